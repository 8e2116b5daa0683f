import { describe, expect, it } from 'vitest';
import { stripControl, stripControlPerLine } from './strip-control.js';

describe('stripControl', () => {
  it.each([
    ['colours', '\u001b[31mred\u001b[0m text', 'red text'],
    ['clear screen and cursor home', 'a\u001b[2J\u001b[Hb', 'ab'],
    ['a window title (OSC 0, BEL-terminated)', '\u001b]0;pwned\u0007after', 'after'],
    ['a window title (OSC 2, ST-terminated)', '\u001b]2;pwned\u001b\\after', 'after'],
    [
      'an OSC 8 link, keeping its visible text',
      '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\ here',
      'click here',
    ],
    ['an 8-bit CSI', 'x\u009b2Jy', 'xy'],
    ['a lone ESC, NUL, BEL, backspace and DEL', 'a\u001b\u0000\u0007\u0008\u007fb', 'ab'],
    [
      'carriage returns and newlines (no forged lines)',
      'one\r\n[Nest] 1 - LOG forged\rtwo',
      'one [Nest] 1 - LOG forged two',
    ],
    ['tabs and Unicode line separators', 'a\tb\u2028c\u0085d', 'a b c d'],
    ['bidi overrides', 'abc\u202edcba\u2066x\u2069', 'abcdcbax'],
    ['an ESC split by a NUL (no sequence left behind)', '\u001b\u0000[2Jok', '[2Jok'],
  ])('removes %s', (_, input, expected) => {
    const out = stripControl(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[\p{Cc}\p{Bidi_Control}]/u);
  });

  it('leaves ordinary text, including non-ASCII, untouched', () => {
    const text = 'Générer « un phare » — 灯台 🌅 (429: retry in 7 s)';
    expect(stripControl(text)).toBe(text);
  });
});

describe('stripControlPerLine', () => {
  it('keeps the lines of a stack trace and cleans each one', () => {
    expect(stripControlPerLine('Error: bad \u001b[2Jthing\r\n    at f (x.js:1:1)\n    at g\u0007 (y.js:2:2)')).toBe(
      'Error: bad thing\n    at f (x.js:1:1)\n    at g (y.js:2:2)',
    );
  });
});
