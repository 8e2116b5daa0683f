import { describe, expect, it } from 'vitest';
import { RateLimiter, TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst of capacity, then asks to wait for the next token', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 1, () => now);
    expect(bucket.take().ok).toBe(true);
    expect(bucket.take().ok).toBe(true);
    const refused = bucket.take();
    expect(refused).toEqual({ ok: false, retryAfterMs: 1000 });
    now = 500;
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 500 });
    now = 1000;
    expect(bucket.take().ok).toBe(true);
  });

  it('tells how long until it is full again', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect(bucket.fullInMs()).toBe(0);
    bucket.take();
    expect(bucket.fullInMs()).toBe(500);
    bucket.take();
    bucket.take();
    expect(bucket.fullInMs()).toBe(1500);
    now = 1000;
    expect(bucket.take()).toEqual({ ok: true, remaining: 1 });
    expect(bucket.fullInMs()).toBe(1000);
    const never = new TokenBucket(1, 0, () => 0);
    never.take();
    expect(never.fullInMs()).toBe(60_000);
  });

  it('gives the limiter the bucket size and time until full with each verdict', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 2.5, refillPerSecond: 0.5 }, () => now);
    expect(limiter.take('k')).toEqual({ ok: true, remaining: 1, limit: 2, fullInMs: 2000 });
    limiter.take('k');
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterMs: 1000, limit: 2, fullInMs: 4000 });
    now = 1000;
    expect(limiter.take('k')).toEqual({ ok: true, remaining: 0, limit: 2, fullInMs: 5000 });
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 1, headers: 'old' as never })).toThrow(
      /rateLimit.headers must be 'current' or 'all', got "old"/,
    );
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 0 }, () => 0);
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b').ok).toBe(true);
  });

  it('remembers at most maxKeys buckets, forgetting the least recently used (which then starts full)', () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 0, maxKeys: 3 }, () => 0);
    for (const key of ['a', 'b', 'c']) expect(limiter.take(key).ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false); // a is now the most recently used
    for (let i = 0; i < 1000; i++) limiter.take(`flood-${i}-${'x'.repeat(10_000)}`);
    expect(limiter.size).toBe(3);
    expect(limiter.take('a').ok).toBe(true); // forgotten: a fresh bucket
    expect(new RateLimiter({ capacity: 1, refillPerSecond: 1 }).take('k').ok).toBe(true);
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 0 })).toThrow(/maxKeys/);
  });

  it('keeps 10 000 keys by default', () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 0 }, () => 0);
    for (let i = 0; i < 10_050; i++) limiter.take(`key-${i}`);
    expect(limiter.size).toBe(10_000);
    expect(limiter.take('key-49').ok).toBe(true); // forgotten
    expect(limiter.take('key-10049').ok).toBe(false); // remembered
  });
});
