import { describe, expect, it } from 'vitest';
import { FAULT_NAMES, FaultScheduler, parseFaultPlan, type FaultPlan } from './fault-plan.js';

describe('FaultScheduler', () => {
  it('consumes ordered steps, each for its number of times', () => {
    const scheduler = new FaultScheduler([{ fault: 'rate-limit', times: 2 }, { fault: 'server-error' }]);
    expect(scheduler.next('openai')?.fault).toBe('rate-limit');
    expect(scheduler.next('together')?.fault).toBe('rate-limit');
    expect(scheduler.next('openai')?.fault).toBe('server-error');
    expect(scheduler.next('openai')).toBeUndefined();
  });

  it('applies a step only to its provider, leaving other requests alone', () => {
    const scheduler = new FaultScheduler([{ fault: 'quota', provider: 'together' }, { fault: 'reset' }]);
    expect(scheduler.next('openai')?.fault).toBe('reset');
    expect(scheduler.next('openai')).toBeUndefined();
    expect(scheduler.next('together')?.fault).toBe('quota');
  });

  it('carries step settings (Retry-After, delay, size)', () => {
    const scheduler = new FaultScheduler([{ fault: 'rate-limit', retryAfter: 0 }]);
    expect(scheduler.next('r9s')).toEqual({ fault: 'rate-limit', retryAfter: 0 });
  });

  it('draws a seeded mix deterministically', () => {
    const plan: FaultPlan = { mix: { 'rate-limit': 0.2, reset: 0.1, 'server-error': 0.1 }, seed: 42 };
    const draw = () => {
      const scheduler = new FaultScheduler(plan);
      return Array.from({ length: 200 }, () => scheduler.next('openai')?.fault ?? 'none');
    };
    const first = draw();
    expect(draw()).toEqual(first);
    const rateLimits = first.filter((f) => f === 'rate-limit').length;
    expect(rateLimits).toBeGreaterThan(20);
    expect(rateLimits).toBeLessThan(60);
    expect(first.filter((f) => f === 'none').length).toBeGreaterThan(90);
    const otherSeed = new FaultScheduler({ ...plan, seed: 7 });
    expect(Array.from({ length: 200 }, () => otherSeed.next('openai')?.fault ?? 'none')).not.toEqual(first);
  });

  it('runs steps first, then the mix', () => {
    const scheduler = new FaultScheduler({
      steps: [{ fault: 'malformed-json' }],
      mix: { 'truncated-json': 1 },
      seed: 1,
    });
    expect(scheduler.next('openai')?.fault).toBe('malformed-json');
    expect(scheduler.next('openai')?.fault).toBe('truncated-json');
  });
});

describe('parseFaultPlan', () => {
  it('accepts every fault name', () => {
    expect(parseFaultPlan(FAULT_NAMES.map((fault) => ({ fault })))).toHaveLength(FAULT_NAMES.length);
  });

  it.each([
    [[{ fault: 'explode' }], /steps\[0\]\.fault must be one of/],
    [[{ fault: 'reset', times: 0 }], /times must be an integer >= 1/],
    [[{ fault: 'reset', provider: 'acme' }], /provider must be a provider name/],
    [{ mix: { reset: 0.8, quota: 0.5 } }, /add up to more than 1/],
    [{ mix: { nope: 0.1 } }, /mix\.nope is not a fault name/],
    ['reset', /expected an array/],
  ])('rejects %j', (plan, message) => {
    expect(() => parseFaultPlan(plan)).toThrow(message);
  });
});
