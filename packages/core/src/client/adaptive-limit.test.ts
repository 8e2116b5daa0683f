import { describe, expect, it } from 'vitest';
import { parseRateLimit, parseResetMs } from '../http/rate-limit-headers.js';
import { createAdaptiveLimit } from './adaptive-limit.js';

/** A clock that moves only when told: sleeps resolve as it passes their end. */
function fakeClock() {
  let now = 0;
  const timers: Array<{ at: number; resolve: () => void }> = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    async advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.resolve();
      }
      await flush();
    },
  };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** Moves the clock a millisecond at a time, so that sleeps begun along the way end on time too. */
async function walk(clock: ReturnType<typeof fakeClock>, ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) await clock.advance(1);
}

/** Tasks that send a request (admitted by the limit, as every request of core is) and finish when told. */
function tasks(limit?: { admit(): Promise<void> | undefined }) {
  const open: Array<() => void> = [];
  let started = 0;
  return {
    task: async () => {
      await limit?.admit();
      await new Promise<void>((resolve) => {
        started++;
        open.push(resolve);
      });
    },
    get started() {
      return started;
    },
    get running() {
      return open.length;
    },
    finish() {
      (open.shift() as () => void)();
    },
  };
}

const ok = { status: 200, headers: {} };

/** `n` calls that each send one request (admitted by the limit) and are answered at once; counts those sent. */
function requests(
  limit: { admit(): Promise<void> | undefined } & (<T>(task: () => Promise<T>) => Promise<T>),
  n: number,
) {
  const sent = { count: 0 };
  for (let i = 0; i < n; i++)
    void limit(async () => {
      await limit.admit();
      sent.count++;
    });
  return sent;
}

describe('adaptive concurrency', () => {
  it('raises the limit while calls succeed, up to the explicit cap and never past it', async () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 6, initial: 2, ...clock });
    const work = tasks();
    const done: Array<Promise<void>> = [];
    for (let i = 0; i < 40; i++) done.push(limit(work.task));
    await flush();
    expect(work.running).toBe(2);
    const seen: number[] = [];
    while (work.running > 0) {
      limit.observe(ok);
      work.finish();
      await flush();
      expect(work.running).toBeLessThanOrEqual(limit.concurrency);
      seen.push(limit.concurrency);
    }
    await Promise.all(done);
    expect(work.started).toBe(40);
    expect(seen[0]).toBe(3); // slow start: one more per answer until the first 429
    expect(Math.max(...seen)).toBe(6);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // only ever up, while every call succeeds
  });

  it('halves on a 429 and holds every new call for its Retry-After', async () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 8, initial: 8, ...clock });
    const work = tasks();
    for (let i = 0; i < 12; i++) void limit(work.task);
    await flush();
    expect(work.started).toBe(8);
    limit.observe({ status: 429, headers: { 'retry-after': '2' } });
    expect(limit.concurrency).toBe(4);
    for (let i = 0; i < 8; i++) work.finish();
    await flush();
    expect(work.started).toBe(8); // paused: nothing new starts before 2 s
    await clock.advance(1_999);
    expect(work.started).toBe(8);
    await clock.advance(1);
    expect(work.started).toBe(12); // then 4, the halved limit
  });

  it('paces requests by the bucket the headers describe: what remains at once, then at its refill rate', async () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 8, initial: 8, ...clock });
    const work = tasks(limit);
    void limit(work.task);
    await flush();
    // 3 of 6 left, full again in 10 s: one request back every 3.33 s.
    limit.observe({
      status: 200,
      headers: {
        'x-ratelimit-limit-requests': '6',
        'x-ratelimit-remaining-requests': '3',
        'x-ratelimit-reset-requests': '10s',
      },
    });
    work.finish();
    for (let i = 0; i < 6; i++) void limit(work.task);
    await flush();
    expect(work.started).toBe(4); // the first, then the 3 remaining
    // 3 left of 6 is between 3 and 4 tokens: 2 to 3 refilled in 10 s; the middle, 2.5, until answers say more.
    await clock.advance(3_999);
    expect(work.started).toBe(4);
    await clock.advance(1);
    expect(work.started).toBe(5);
    await clock.advance(4_000);
    expect(work.started).toBe(6);
  });

  it('pauses after a 429 without Retry-After for the reset the headers give, else a second', async () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 2, initial: 2, ...clock });
    limit.observe({ status: 429, headers: { 'x-ratelimit-reset-requests': '250ms' } });
    const work = tasks();
    void limit(work.task);
    await flush();
    expect(work.started).toBe(0);
    await clock.advance(250);
    expect(work.started).toBe(1);
    work.finish();
    limit.observe({ status: 429, headers: {} });
    void limit(work.task);
    await clock.advance(999);
    expect(work.started).toBe(1);
    await clock.advance(1);
    expect(work.started).toBe(2);
  });

  it('after a 429, grows by about one per round of calls instead of one per call', () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 64, initial: 8, ...clock });
    limit.observe({ status: 429, headers: {} });
    expect(limit.concurrency).toBe(4);
    for (let i = 0; i < 4; i++) limit.observe(ok);
    expect(limit.concurrency).toBe(4); // 4 + 1/4 + … < 5
    for (let i = 0; i < 2; i++) limit.observe(ok);
    expect(limit.concurrency).toBe(5);
  });

  it('halves once for a burst of 429s from the calls that were in flight together', () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 16, initial: 16, ...clock });
    for (let i = 0; i < 5; i++) limit.observe({ status: 429, headers: { 'retry-after': '1' } });
    expect(limit.concurrency).toBe(8);
  });

  it('spreads the slow start over the round trip instead of sending its calls in bursts', async () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 32, initial: 4, ...clock });
    const work = tasks(limit);
    for (let i = 0; i < 3; i++) void limit(work.task);
    await flush();
    limit.observe({ ...ok, latencyMs: 400 }); // a 400 ms round trip; the limit is 5 now: one call every 80 ms
    const sent = requests(limit, 10);
    await flush();
    expect(sent.count).toBe(1);
    await clock.advance(79);
    expect(sent.count).toBe(1);
    await clock.advance(1);
    expect(sent.count).toBe(2);
    await walk(clock, 240);
    expect(sent.count).toBe(5);
  });

  it('lets the bucket the headers describe pace every call: concurrency goes to its cap', () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 24, initial: 4, ...clock });
    limit.observe({
      status: 200,
      headers: {
        'x-ratelimit-remaining-requests': '2',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-limit-requests': '6',
      },
    });
    expect(limit.concurrency).toBe(24);
  });

  it("without headers on success (Together), paces at 70% of the slow start's rate at the first 429, keeping its slots", async () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 32, initial: 10, ...clock });
    const work = tasks(limit);
    for (let i = 0; i < 10; i++) void limit(work.task);
    await flush();
    // 10 calls in flight, answered after 500 ms: 20 a second. The provider refuses one; it says nothing on success.
    limit.observe({ ...ok, latencyMs: 500 });
    limit.observe({ status: 429, headers: { 'x-ratelimit-reset': '0.1' } });
    expect(limit.concurrency).toBe(11); // the rate holds calls back now, not fewer slots
    while (work.running > 0) work.finish();
    const sent = requests(limit, 40);
    await flush();
    expect(sent.count).toBe(0); // its reset first
    await clock.advance(100);
    await walk(clock, 1_000);
    // 12 a second (one every 83.3 ms), 60% of the 20 a second that met the limit, over the 1.1 s since the 429.
    expect(sent.count).toBe(13);
  });

  it('probes the learned rate upward while calls succeed, and backs off again at the next 429', async () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 64, initial: 9, ...clock });
    const first = tasks(limit);
    for (let i = 0; i < 9; i++) void limit(first.task);
    await flush();
    limit.observe({ ...ok, latencyMs: 500 });
    limit.observe({ status: 429, headers: { 'x-ratelimit-reset': '0' } }); // 9 / 0.5 s × 60%: 10.8 a second
    while (first.running > 0) first.finish();
    /**
     * Requests sent in one second of the fake clock, after those of earlier seconds are out; `atEnd` runs at the end
     * of that second, while the pace still holds requests back.
     */
    const perSecond = async (atEnd?: () => void): Promise<number> => {
      const sent = requests(limit, 40);
      await walk(clock, 1_000);
      const count = sent.count;
      atEnd?.();
      await walk(clock, 5_000);
      return count;
    };
    const refused = () => limit.observe({ status: 429, headers: { 'x-ratelimit-reset': '0' } });
    expect(await perSecond()).toBe(10);
    for (let i = 0; i < 100; i++) limit.observe(ok); // 0.5% each: ×1.647, 17.8 a second
    // Two tokens saved up while idle, then the rate; the 429 at its end: 90%, 16.0 a second, probes halved.
    expect(await perSecond(refused)).toBe(2 + 17);
    expect(await perSecond()).toBe(2 + 16);
    for (let i = 0; i < 100; i++) limit.observe(ok); // 0.25% each: ×1.284, 20.6 a second
    expect(await perSecond(refused)).toBe(2 + 20); // then 90%: 18.5 a second
    expect(await perSecond()).toBe(2 + 18);
    // A 429 met while nothing was held back (none sent in the last second) is a passing refusal: the rate stays
    // (only the tokens saved up go: the bucket is empty).
    refused();
    expect(await perSecond()).toBe(18);
  });

  it('frees the slot of a task that throws', async () => {
    const clock = fakeClock();
    const limit = createAdaptiveLimit({ max: 1, initial: 1, ...clock });
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit(async () => 'next')).resolves.toBe('next');
  });
});

describe('rate-limit headers', () => {
  it("reads OpenAI's durations, seconds and Unix times", () => {
    expect(parseResetMs('1s', 0)).toBe(1_000);
    expect(parseResetMs('6m0s', 0)).toBe(360_000);
    expect(parseResetMs('12ms', 0)).toBe(12);
    expect(parseResetMs('1h2m3.5s', 0)).toBe(3_723_500);
    expect(parseResetMs('20', 0)).toBe(20_000);
    expect(parseResetMs('1700000060', 1_700_000_000_000)).toBe(60_000);
    expect(parseResetMs('soon', 0)).toBeUndefined();
    expect(parseResetMs('-3', 0)).toBeUndefined();
  });

  it('takes the request allowance from either naming, and Retry-After', () => {
    expect(parseRateLimit({ 'x-ratelimit-remaining-requests': '4', 'x-ratelimit-reset-requests': '2s' })).toEqual({
      limit: undefined,
      remaining: 4,
      resetMs: 2_000,
      retryAfterMs: undefined,
    });
    expect(parseRateLimit({ 'x-ratelimit-remaining-images': '2', 'x-ratelimit-reset-images': '8.64s' })).toMatchObject({
      remaining: 2,
      resetMs: 8_640,
    });
    expect(parseRateLimit({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3', 'retry-after': '1' })).toEqual({
      limit: undefined,
      remaining: 0,
      resetMs: 3_000,
      retryAfterMs: 1_000,
    });
  });
});
