import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripControl } from './strip-control.js';

describe('stripControl', () => {
  it.each([
    ['clear screen and cursor home', 'a\x1b[2J\x1b[Hb', 'ab'],
    ['colours', '\x1b[1;31mred\x1b[0m', 'red'],
    ['a window title ended by BEL', 'x\x1b]0;owned\x07y', 'xy'],
    ['a window title ended by ESC \\', 'x\x1b]2;owned\x1b\\y', 'xy'],
    ['an OSC 8 link', '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['a clipboard write (OSC 52)', '\x1b]52;c;aGk=\x07ok', 'ok'],
    ['an 8-bit CSI', 'a\x9b2Jb', 'ab'],
    ['an 8-bit OSC ended by ST', 'a\x9d0;t\x9cb', 'ab'],
    ['a DCS string', 'a\x1bPq#0\x1b\\b', 'ab'],
    ['two-character escapes (reset, keypad, charset)', 'a\x1bcb\x1b=c\x1b(Bd', 'abcd'],
    ['backspaces and bells', 'pa\x08\x08ss\x07', 'pass'],
    ['NUL and DEL', 'a\x00b\x7fc', 'abc'],
    ['CR LF', 'one\r\ntwo', 'one\ntwo'],
    ['a lone CR, which starts a new line in a CI log', 'prompt\r::error::x', 'prompt\n::error::x'],
    ['an unterminated OSC keeps its text visible', 'a\x1b]0;title', 'a0;title'],
    ['a lone ESC at the end', 'a\x1b', 'a'],
  ])('removes %s', (_, input, expected) => {
    expect(stripControl(input)).toBe(expected);
  });

  it('keeps plain text, tabs, newlines and non-ASCII letters as they are', () => {
    const text = 'Une île à l’aube\tseed 7\n日本語 🚀 ::notice:: ##[group]';
    expect(stripControl(text)).toBe(text);
  });

  it('never leaves a control character but TAB and LF, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            'a',
            ';',
            '[',
            ']',
            '\\',
            '0',
            '\x1b',
            '\x07',
            '\x9b',
            '\x9c',
            '\x9d',
            '\r',
            '\n',
            '\t',
            '\x00',
          ),
        }),
        (text) => {
          expect(stripControl(text)).not.toMatch(/[^\P{Cc}\t\n]/u);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(stripControl(stripControl(text))).toBe(stripControl(text));
      }),
    );
  });
});
