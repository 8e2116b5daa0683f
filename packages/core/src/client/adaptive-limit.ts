import type { Sleep } from '../http/http-context.js';
import { parseRateLimit, type RateLimitInfo } from '../http/rate-limit-headers.js';
import type { Limit } from './concurrency-limit.js';

/** What one answer of the provider tells the limiter. */
export interface RateSignal {
  status: number;
  headers: Record<string, string>;
  /** From sending the request to its answer's headers. */
  latencyMs?: number | undefined;
}

/** A concurrency limit that follows the provider's allowance (see {@link createAdaptiveLimit}). */
export interface AdaptiveLimit extends Limit {
  /** Tells the limiter how an answer went; every API answer should be told. */
  observe(signal: RateSignal): void;
  /**
   * Waits until a request may be sent (no pause, a token left in the provider's bucket) and takes it. Every HTTP
   * request of a call goes through it, retries included, so retries are paced like first attempts. Undefined when
   * the request may go at once.
   */
  admit(signal?: AbortSignal): Promise<void> | undefined;
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
/** After the first 429 without a bucket in its headers: the share of the slow start's rate to go on at. */
const SLOW_START_BACKOFF = 0.6;
/** After a later one: the share of the paced rate. */
const RATE_BACKOFF = 0.9;
/**
 * How fast the learned rate probes upward, per answered call: 0.5% after the slow start (at 12 calls a second, 6%
 * more each second), halved at every 429 down to 0.05% (at 20 a second, 1% a second), so the rate finds the limit,
 * then stays near it while a bucket's burst absorbs most of the overshoot. Tuned on bench scenario 6 (a 20/s bucket
 * with a burst of 5): 2% and 0.1% met the limit three times as often for the same throughput.
 */
const FIRST_PROBE = 0.005;
const MIN_PROBE = 0.0005;

/**
 * Concurrency by slow start, then requests paced by the provider's own word. Until the first 429 each answered call
 * raises the limit by one (a slow start that doubles it per round of calls); once a round trip has been measured,
 * the calls of the slow start are spread over it (limit ÷ round trip a second) rather than sent in bursts that a
 * small bucket refuses. The rate-limit headers (`x-ratelimit-limit/remaining/reset-requests`, or the bare
 * `x-ratelimit-*`) describe a bucket that refills continuously, as OpenAI's does: `reset` is the time until it is
 * full, so it refills at (limit − remaining) / reset, and requests take tokens from it. A provider that sends no such
 * headers on success (Together) is paced at a rate learned from its 429s: 60% of the slow start's rate (calls in
 * flight ÷ round trip, or what was sent in the last second if more) when the limit was first met, 90% of the paced
 * rate at every later 429 met while the pace held requests back (one met below it is a passing refusal), probing
 * upward while calls succeed. Once requests are paced the rate holds them back, so concurrency keeps growing to `max`; only a 429
 * before any answer (no rate to learn from) halves it. A 429 holds every new request for its `Retry-After` (or
 * reset). Time comes from the injected clock and sleep, so its behaviour is deterministic under test.
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
  /** What the answers so far say of the refill rate: at least `refillLow`, at most `refillHigh` per ms. */
  let refillLow = 0;
  let refillHigh = Number.POSITIVE_INFINITY;
  /** When the latest requests were admitted, oldest first (at most the last 1,024). */
  const sent: number[] = [];
  let updatedAt = 0;
  /** The rate learned from 429s, in requests per ms (undefined: none yet), and how fast it probes upward. */
  let learnedRate: number | undefined;
  let probe = FIRST_PROBE;
  /** The smoothed round trip (send to headers), in ms; undefined until the first answer. */
  let roundTrip: number | undefined;
  /**
   * Tokens of the pace. A learned rate keeps up to two, so the part of a token a late timer adds is kept, not lost
   * (it would slow the rate by a per cent or two). The slow start keeps up to its first round's calls: after a pause
   * as many go at once as went at the very start, and no more.
   */
  const initial = Math.min(options.initial ?? 4, max);
  let paceTokens = 1;
  let pacedAt = 0;
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

  /** The rate requests are paced at, in requests per ms (undefined: none, the headers' bucket or nothing). */
  const pace = (): number | undefined => {
    if (refillPerMs > 0) return undefined;
    if (learnedRate !== undefined) return learnedRate;
    return slowStart && roundTrip ? limit / roundTrip : undefined;
  };

  /** How long a request must wait for the pace's token (0: it may go). */
  const paceWait = (now: number): number => {
    const rate = pace();
    const most = learnedRate === undefined ? Math.max(2, initial) : 2;
    if (rate !== undefined) paceTokens = Math.min(most, paceTokens + (now - pacedAt) * rate);
    pacedAt = now;
    return rate === undefined || paceTokens >= 1 ? 0 : Math.ceil((1 - paceTokens) / rate);
  };

  /** Requests admitted in the second before `now`. */
  const sentInLastSecond = (now: number): number => {
    let first = sent.length;
    while (first > 0 && (sent[first - 1] as number) > now - 1_000) first--;
    return sent.length - first;
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

  /** Takes a token when a request may go now; else how long it must wait. */
  const tryAdmit = (): number => {
    const now = options.now();
    const wait = Math.max(pausedUntil - now, tokenWait(now), paceWait(now));
    if (wait > 0) return wait;
    sent.push(now);
    if (sent.length > 1_024) sent.splice(0, 512);
    if (tokens !== undefined) tokens -= 1;
    if (pace() !== undefined) paceTokens -= 1;
    return 0;
  };

  /**
   * Every HTTP request, retries included: waits out a pause and an empty bucket, then takes a token. Nothing to wait
   * for (the usual case) answers at once, with no promise of its own: this runs for every request.
   */
  const admit = (signal?: AbortSignal): Promise<void> | undefined => {
    const wait = tryAdmit();
    if (wait === 0) return undefined;
    return (async () => {
      for (let next = wait; next > 0; next = tryAdmit()) await options.sleep(next, signal);
    })();
  };

  const release = (): void => {
    active--;
    wake();
  };

  const observe = ({ status, headers, latencyMs }: RateSignal): void => {
    const now = options.now();
    const info: RateLimitInfo = parseRateLimit(headers);
    if (latencyMs !== undefined && status !== 429) {
      // One answer held back for seconds (a stalled server) must not make the pace crawl: a sample counts for at most
      // four times the round trip so far.
      const sample = roundTrip === undefined ? latencyMs : Math.min(latencyMs, 4 * roundTrip);
      roundTrip = roundTrip === undefined ? sample : roundTrip * 0.875 + sample * 0.125;
    }
    if (status === 429) {
      // The calls in flight when the limit was hit answer 429 together: that is one signal, acted on once.
      if (now >= pausedUntil) {
        if (info.remaining !== undefined || refillPerMs > 0) {
          // The headers describe the bucket: pacing by it follows below.
        } else if (learnedRate !== undefined) {
          // Only a 429 met while the pace held requests back says the pace is too fast: one met below it (a
          // provider's passing refusal) must not wear the rate down 10% at a time.
          if (sentInLastSecond(now) >= 0.8 * learnedRate * 1_000) {
            learnedRate *= RATE_BACKOFF;
            probe = Math.max(MIN_PROBE, probe / 2);
          }
          [paceTokens, pacedAt] = [0, now]; // the provider's bucket is empty: nothing saved up goes at once
        } else if (roundTrip) {
          const rate = Math.max(Math.max(active, 1) / roundTrip, sentInLastSecond(now) / 1_000);
          learnedRate = rate * SLOW_START_BACKOFF;
          [paceTokens, pacedAt] = [0, now];
        } else limit = Math.max(1, limit / 2);
      }
      slowStart = false;
      pausedUntil = Math.max(pausedUntil, now + (info.retryAfterMs ?? info.resetMs ?? DEFAULT_PAUSE_MS));
    } else if (status >= 200 && status < 300) {
      limit = Math.min(max, limit + (slowStart || learnedRate !== undefined ? 1 : 1 / limit));
      if (learnedRate !== undefined) learnedRate *= 1 + probe;
    }
    if (info.remaining !== undefined) {
      refill(now);
      capacity = Math.max(info.limit ?? 0, info.remaining, capacity);
      if (info.resetMs !== undefined && info.resetMs > 0 && info.remaining < capacity) {
        // `remaining` is whole tokens: the bucket held between it and one more, so each answer bounds the refill
        // rate from both sides; the bounds of all answers narrow to it (a changed limit starts them afresh).
        const high = (capacity - info.remaining) / info.resetMs;
        const low = (capacity - info.remaining - 1) / info.resetMs;
        if (low > refillHigh || high < refillLow) [refillLow, refillHigh] = [low, high];
        else [refillLow, refillHigh] = [Math.max(refillLow, low), Math.min(refillHigh, high)];
        refillPerMs = refillLow > 0 ? (refillLow + refillHigh) / 2 : refillHigh;
      }
      if (latencyMs === undefined) tokens = tokens === undefined ? info.remaining : Math.min(tokens, info.remaining);
      else {
        // The provider counted when the request arrived, a round trip ago: since then its bucket has refilled, and
        // every request sent after this one has taken a token (or will, on arrival). (The bucket's cap holds for
        // what is left, not for what flowed through it meanwhile.)
        const since = now - latencyMs;
        let after = sent.length;
        while (after > 0 && (sent[after - 1] as number) > since) after--;
        tokens = Math.min(capacity, info.remaining + latencyMs * refillPerMs - (sent.length - after));
      }
    }
    if (status === 429 && refillPerMs > 0) tokens = Math.min(tokens ?? 0, 0);
    // The bucket the headers describe paces every request: concurrency need not hold anything back.
    if (refillPerMs > 0 && status >= 200 && status < 300) limit = max;
    wake();
  };

  const run = <T>(task: () => Promise<T>): Promise<T> => {
    // A free slot and no pause (the usual case): taken at once, without waiting a turn of the event loop.
    if (waiting.length === 0 && woken === 0 && active < Math.floor(limit) && pausedUntil <= options.now()) {
      active++;
      return runHolding(task);
    }
    return acquire().then(() => runHolding(task));
  };

  const runHolding = async <T>(task: () => Promise<T>): Promise<T> => {
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
