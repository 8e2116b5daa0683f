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
   * Waits until a request may be sent (no pause, allowance left in the provider's window) and counts it. Every HTTP
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
/** How often a request waiting for the answers of a spent window looks again. */
const ANSWER_POLL_MS = 25;
/** How long a request waits for answers that may never come (a call that failed without one) before it goes. */
const STALE_MS = 2_000;

/**
 * Additive increase, multiplicative decrease, paced by the provider's own word. Each answered call raises the limit
 * by 1/limit (about one more call in flight per round of calls) up to `max`; a 429 halves it and holds every new call
 * for its `Retry-After`. The rate-limit headers (`x-ratelimit-remaining-requests` and `-reset-requests`, or the bare
 * `x-ratelimit-remaining`/`-reset`) give an allowance: once the calls started since an answer have used up what it said
 * remained, new calls wait for its reset instead of bouncing off the limit. Time comes from the injected clock and sleep,
 * so its behaviour is deterministic under test.
 */
export function createAdaptiveLimit(options: AdaptiveLimitOptions): AdaptiveLimit {
  const max = options.max;
  let limit = Math.min(options.initial ?? 4, max);
  let active = 0;
  let pausedUntil = 0;
  /** Calls that may still start in the provider's current window, by its headers (Infinity: no word). */
  let allowance = Number.POSITIVE_INFINITY;
  /** When that window ends; 0 while not known (a new window whose first answer has not come). */
  let windowEnd = 0;
  /** The whole window's allowance, when the headers gave it: what a new window starts with. */
  let windowLimit = Number.POSITIVE_INFINITY;
  const waiting: Array<() => void> = [];
  /** Waiters woken for a free slot that have not taken it yet: arrivals must not take it first. */
  let woken = 0;

  const wake = (): void => {
    while (waiting.length > 0 && active + woken < Math.floor(limit)) {
      woken++;
      (waiting.shift() as () => void)();
    }
  };

  /** Requests admitted and not answered yet (an answer that never comes is forgotten after `STALE_MS`). */
  let unanswered = 0;

  /** How long a request must wait for the window's allowance (0: it may go). */
  const allowanceWait = (now: number): number => {
    if (windowEnd > 0 && now >= windowEnd) {
      // The window is over: the next one starts whole (as far as known), until its first answer says more.
      allowance = windowLimit;
      windowEnd = 0;
    }
    if (allowance > 0) return 0;
    if (windowEnd > 0) return windowEnd - now;
    // Spent, with no word yet of when this window ends: the answers on their way will say; wait a moment for them.
    return unanswered > 0 ? ANSWER_POLL_MS : 0;
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

  /** Every HTTP request, retries included: waits out a pause and the window's spent allowance, then spends one. */
  const admit = async (signal?: AbortSignal): Promise<void> => {
    const since = options.now();
    for (;;) {
      const now = options.now();
      if (now - since > STALE_MS) unanswered = 0;
      const wait = Math.max(pausedUntil - now, allowanceWait(now));
      if (wait <= 0) {
        allowance--;
        unanswered++;
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
    unanswered = Math.max(0, unanswered - 1);
    const info: RateLimitInfo = parseRateLimit(headers);
    if (status === 429) {
      // The calls in flight when the limit was hit answer 429 together: that is one signal, halved once.
      if (now >= pausedUntil) limit = Math.max(1, limit / 2);
      pausedUntil = Math.max(pausedUntil, now + (info.retryAfterMs ?? info.resetMs ?? DEFAULT_PAUSE_MS));
    } else if (status >= 200 && status < 300) {
      limit = Math.min(max, limit + 1 / limit);
    }
    if (info.limit !== undefined) windowLimit = info.limit;
    if (info.remaining !== undefined && info.resetMs !== undefined) {
      // Answers of one window arrive out of order, and calls of ours are on their way: the lowest count wins.
      const sameWindow = windowEnd === 0 ? allowance !== Number.POSITIVE_INFINITY : now < windowEnd;
      allowance = sameWindow ? Math.min(allowance, info.remaining) : info.remaining;
      windowEnd = Math.max(sameWindow ? windowEnd : 0, now + info.resetMs);
    }
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
