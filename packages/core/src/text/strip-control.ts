// A small scanner rather than `strip-ansi`: that removes ANSI sequences only, and leaves the lone controls (CR,
// BS, BEL, 8-bit CSI…) that also move a terminal's cursor or start a new log line; it is also ESM-only.

const ESC = 0x1b;
const BEL = 0x07;
/** String Terminator, 8-bit form. */
const ST = 0x9c;
const CSI_8BIT = 0x9b;
/** After ESC: `]` OSC (titles, OSC 8 links, clipboard), `P` DCS, `X` SOS, `^` PM, `_` APC: strings up to a terminator. */
const STRING_AFTER_ESC = new Set([0x5d, 0x50, 0x58, 0x5e, 0x5f]);
/** The same strings' 8-bit introducers. */
const STRING_8BIT = new Set([0x9d, 0x90, 0x98, 0x9e, 0x9f]);
/** Every control character (C0, DEL, C1) but TAB and LF. */
const CONTROLS = /[^\P{Cc}\t\n]/gu;

const between = (code: number, low: number, high: number): boolean => code >= low && code <= high;

/** Index after a CSI whose parameters start at `i`: parameters, intermediates, then one final byte. */
function endOfCsi(text: string, i: number): number {
  let j = i;
  while (between(text.charCodeAt(j), 0x30, 0x3f)) j++;
  while (between(text.charCodeAt(j), 0x20, 0x2f)) j++;
  return between(text.charCodeAt(j), 0x40, 0x7e) ? j + 1 : j;
}

/** Index after a control string whose body starts at `i` and ends at BEL, ESC \ or ST; -1 when unterminated. */
function endOfString(text: string, i: number): number {
  for (let j = i; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if (code === BEL || code === ST) return j + 1;
    if (code === ESC) return text.charCodeAt(j + 1) === 0x5c ? j + 2 : -1;
  }
  return -1;
}

/** Index after the escape sequence starting at `i` (an ESC or an 8-bit introducer); `i` when there is none. */
function endOfSequence(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code === CSI_8BIT) return endOfCsi(text, i + 1);
  if (STRING_8BIT.has(code)) return Math.max(endOfString(text, i + 1), i + 1);
  if (code !== ESC) return i;
  const next = text.charCodeAt(i + 1);
  if (next === 0x5b) return endOfCsi(text, i + 2);
  // An unterminated string loses only its introducer: the rest stays visible as plain text.
  if (STRING_AFTER_ESC.has(next)) return Math.max(endOfString(text, i + 2), i + 2);
  let j = i + 1;
  while (between(text.charCodeAt(j), 0x20, 0x2f)) j++;
  return between(text.charCodeAt(j), 0x30, 0x7e) ? j + 1 : j;
}

/**
 * Text from a provider or a file, made safe to print on a terminal or in a log: CR LF and lone CRs become LF (a
 * lone CR starts a new line in a CI log, and overwrites the line on a terminal), and every escape sequence (clear
 * screen, window title, OSC 8 link, colours) and other control character is removed. TAB and LF are kept.
 *
 * ```ts
 * stripControl('ok\x1b]0;owned\x07\x1b[2J done\r::x::'); // 'ok done\n::x::'
 * ```
 */
export function stripControl(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n');
  let out = '';
  let from = 0;
  for (let i = 0; i < lines.length; i++) {
    const code = lines.charCodeAt(i);
    if (code !== ESC && code !== CSI_8BIT && !STRING_8BIT.has(code)) continue;
    out += lines.slice(from, i);
    from = endOfSequence(lines, i);
    i = from - 1;
  }
  return (out + lines.slice(from)).replace(CONTROLS, '');
}
