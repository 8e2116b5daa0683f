import stripAnsi from 'strip-ansi';

/** Tabs and line breaks (LF, CR, VT, FF, NEL, U+2028/9): one space, so a message stays one line. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/gu;
/** Every other control character (C0, DEL, C1, a lone ESC) and the bidi controls that reorder what a terminal shows. */
const CONTROLS = /[\p{Cc}\p{Bidi_Control}]/gu;

/**
 * `text` (from a provider or a file) made safe to log: ANSI/OSC escape sequences (colours, clear screen, window
 * titles, OSC 8 links) and control characters are removed, line breaks become one space.
 */
export function stripControl(text: string): string {
  return stripAnsi(text).replace(BREAKS, ' ').replace(CONTROLS, '');
}

/** Like `stripControl`, but keeps the lines of a multi-line text (a stack trace) apart. */
export function stripControlPerLine(text: string): string {
  return text.split(/\r?\n/u).map(stripControl).join('\n');
}
