import { describe, expect, it } from 'vitest';
import { goDuration } from './go-duration.js';

describe('goDuration', () => {
  it("writes what Go's time.Duration.String() writes for the same wait", () => {
    // Left: values seen in OpenAI's x-ratelimit-reset-* headers; right: the wait in ms.
    const cases: Array<[string, number]> = [
      ['0s', 0],
      ['12ms', 12],
      ['825ms', 825],
      ['1s', 1000],
      ['1.428s', 1428],
      ['8.64s', 8640],
      ['1m30s', 90_000],
      ['2m59s', 179_000],
      ['6m0s', 360_000],
      ['6m30s', 390_000],
      ['1h0m0s', 3_600_000],
      ['1h2m3.5s', 3_723_500],
      ['25h0m0.001s', 90_000_001],
    ];
    for (const [text, ms] of cases) expect(goDuration(ms), text).toBe(text);
  });

  it('rounds a fraction of a millisecond up, and reads no wait as 0s', () => {
    expect(goDuration(0.2)).toBe('1ms');
    expect(goDuration(999.5)).toBe('1s');
    expect(goDuration(1000.4)).toBe('1.001s');
    expect(goDuration(-5)).toBe('0s');
    expect(goDuration(Number.NaN)).toBe('0s');
  });
});
