import { describe, expect, it } from 'vitest';
import { neutralise } from './safe-log.js';

/** What the runner runs: a line (split on CR, LF) starting `::` after blanks, or holding `##[`. */
function commands(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith('::') || line.includes('##['));
}

describe('neutralise', () => {
  it.each([
    ['a command after LF', 'a cat\n::error::owned'],
    ['a command after CR', 'a cat\r::add-mask::owned'],
    ['a command after CR LF and blanks', 'a cat\r\n  \t::warning file=x::owned'],
    ['a command at the very start', '::set-output name=x::owned'],
    ['the legacy form, anywhere in a line', 'a cat ##[error]owned ##[add-mask]x'],
    ['stop-commands', 'x\n::stop-commands::token'],
  ])('breaks %s', (_, text) => {
    expect(commands(neutralise(text))).toEqual([]);
  });

  it('changes nothing a reader sees but the invisible break, and strips escape sequences', () => {
    expect(neutralise('a cat\n::error::owned').replaceAll('\u200B', '')).toBe('a cat\n::error::owned');
    expect(neutralise('ok \x1b]0;title\x07\x1b[2Jdone')).toBe('ok done');
    expect(neutralise('plain: text :: with colons')).toBe('plain: text :: with colons');
  });
});
