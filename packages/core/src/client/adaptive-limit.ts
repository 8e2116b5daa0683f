import type { Sleep } from '../http/http-context.js';
import { parseRateLimit, type RateLimitInfo } from '../http/rate-limit-headers.js';
import type { Limit } from './concurrency-limit.js';

/** What one answer of the provider tells the limiter. */
export interface RateSignal {
  status: number;
  headers: Record<string, string>;
}

/** A concurrency limit that follows the provider's allowance (see {@link createAdaptiveLimit}). */
export interface AdaptiveLimit extends Limit {
  /** Tells the limiter how an answer went; every API answer should be told. */
  observe(signal: RateSignal): void;
  /**
   * Waits until a request may be sent (no pause, a token left in the provider's bucket) and takes it. Every HTTP
   * request of a call goes through it, retries included, so retries are paced like first attempts.
   */
  admit(signal?: AbortSignal): Promise<void>;
  /** Calls allowed in flight now (it moves between 1 and `max`). */
  readonly concurrency: number;
}

export interface AdaptiveLimitOptions {
  /** Never more calls in flight than this. */
  max: number;
  /** Where the limit starts. Default `min(4, max)`. */
  initial?: number;
  now: () => number;
  sleep: Sleep;
}

/** How long to hold new calls after a 429 that said nothing of when to come back. */
const DEFAULT_PAUSE_MS = 1_000;
/**
 * Concurrency by additive increase and multiplicative decrease, requests paced by the provider's own word. Until the
 * first 429 each answered call raises the limit by one (a slow start that doubles it per round of calls); after it, by
 * 1/limit; a 429 halves it (once per burst) and holds every new call for its `Retry-After`. The rate-limit headers
 * (`x-ratelimit-limit/remaining/reset-requests`, or the bare `x-ratelimit-*`) describe a bucket that refills
 * continuously, as OpenAI's does: `reset` is the time until it is full, so it refills at (limit − remaining) / reset.
 * Every request, retries included, takes a token from that estimate, or waits for one. Time comes from the injected
 * clock and sleep, so its behaviour is deterministic under test.
 */
export function createAdaptiveLimit(options: AdaptiveLimitOptions): AdaptiveLimit {
  const max = options.max;
  let limit = Math.min(options.initial ?? 4, max);
  let active = 0;
  let pausedUntil = 0;
  /** Whether a 429 has been seen: until then the limit grows by one per answer. */
  let slowStart = true;
  /** The provider's bucket as its headers describe it: tokens now (undefined: no word), size, refill per ms. */
  let tokens: number | undefined;
  let capacity = 0;
  let refillPerMs = 0;
  let updatedAt = 0;
  const waiting: Array<() => void> = [];
  /** Waiters woken for a free slot that have not taken it yet: arrivals must not take it first. */
  let woken = 0;

  const wake = (): void => {
    while (waiting.length > 0 && active + woken < Math.floor(limit)) {
      woken++;
      (waiting.shift() as () => void)();
    }
  };

  const refill = (now: number): void => {
    if (tokens !== undefined && refillPerMs > 0) tokens = Math.min(capacity, tokens + (now - updatedAt) * refillPerMs);
    updatedAt = now;
  };

  /** How long a request must wait for a token of the provider's bucket (0: it may go). */
  const tokenWait = (now: number): number => {
    refill(now);
    if (tokens === undefined || tokens >= 1) return 0;
    if (refillPerMs > 0) return Math.ceil((1 - tokens) / refillPerMs);
    // Empty, and no word of how fast it refills: no pacing to do; 429s and Retry-After still hold calls back.
    tokens = undefined;
    return 0;
  };

  /** A concurrency slot, once no pause holds new calls. */
  const acquire = async (): Promise<void> => {
    let queued = false;
    for (;;) {
      const paused = Math.max(pausedUntil - options.now(), 0);
      // A waiter that was woken goes before the queue; an arrival only when nobody waits.
      if (paused === 0 && active + woken < Math.floor(limit) && (queued || waiting.length === 0)) {
        active++;
        return;
      }
      if (paused > 0) {
        await options.sleep(paused);
      } else {
        queued = true;
        await new Promise<void>((resolve) => waiting.push(resolve));
        woken--;
      }
    }
  };

  /** Every HTTP request, retries included: waits out a pause and an empty bucket, then takes a token. */
  const admit = async (signal?: AbortSignal): Promise<void> => {
    for (;;) {
      const now = options.now();
      const wait = Math.max(pausedUntil - now, tokenWait(now));
      if (wait <= 0) {
        if (tokens !== undefined) tokens -= 1;
        return;
      }
      await options.sleep(wait, signal);
    }
  };

  const release = (): void => {
    active--;
    wake();
  };

  const observe = ({ status, headers }: RateSignal): void => {
    const now = options.now();
    const info: RateLimitInfo = parseRateLimit(headers);
    if (status === 429) {
      // The calls in flight when the limit was hit answer 429 together: that is one signal, halved once.
      if (now >= pausedUntil) limit = Math.max(1, limit / 2);
      slowStart = false;
      pausedUntil = Math.max(pausedUntil, now + (info.retryAfterMs ?? info.resetMs ?? DEFAULT_PAUSE_MS));
    } else if (status >= 200 && status < 300) {
      limit = Math.min(max, limit + (slowStart ? 1 : 1 / limit));
    }
    if (info.remaining !== undefined) {
      refill(now);
      capacity = Math.max(info.limit ?? 0, info.remaining, capacity);
      if (info.resetMs !== undefined && info.resetMs > 0 && info.remaining < capacity) {
        refillPerMs = (capacity - info.remaining) / info.resetMs;
      }
      // Our own count knows of requests on their way that the provider has not counted yet: the lower one wins.
      tokens = tokens === undefined ? info.remaining : Math.min(tokens, info.remaining);
    }
    if (status === 429 && refillPerMs > 0) tokens = Math.min(tokens ?? 0, 0);
    wake();
  };

  const run = async <T>(task: () => Promise<T>): Promise<T> => {
    await acquire();
    try {
      return await task();
    } finally {
      release();
    }
  };

  const adaptive = run as AdaptiveLimit;
  Object.defineProperties(adaptive, {
    observe: { value: observe },
    admit: { value: admit },
    concurrency: { get: () => Math.floor(limit) },
    activeCount: { get: () => active },
    pendingCount: { get: () => waiting.length },
  });
  return adaptive;
}
