import { createHash } from 'node:crypto';

/** Default bound of `RateLimitOptions.maxKeys`. */
export const DEFAULT_RATE_LIMIT_MAX_KEYS = 10_000;

/** Which rate-limit headers the stand-ins send (see `rate-limit-profiles.ts`). */
export type RateLimitHeaders = 'current' | 'all';

/** A token bucket per API key: `capacity` requests at once, refilled at `refillPerSecond`. */
export interface RateLimitOptions {
  capacity: number;
  refillPerSecond: number;
  /**
   * `current` (the default): each stand-in sends the rate-limit headers its provider documents today.
   * `all`: also the older documented ones a client may still meet, i.e. Together's per-second
   * `x-ratelimit-limit`/`-remaining`/`-reset` on every answer.
   */
  headers?: RateLimitHeaders;
  /**
   * How many keys' buckets are remembered (default 10 000); past it the least recently used is forgotten, and
   * that key starts again with a full bucket.
   */
  maxKeys?: number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

/** A take's result with what the headers report: the bucket's size and the time until it is full again. */
export type BucketVerdict = TakeResult & { limit: number; fullInMs: number };

// A bucket that never refills asks for a minute's wait, as it cannot name a real one.
const NO_REFILL_WAIT_MS = 60_000;

export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = capacity;
    this.#updatedAt = now();
  }

  take(): TakeResult {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true, remaining: Math.floor(this.#tokens) };
    }
    const missing = 1 - this.#tokens;
    return { ok: false, retryAfterMs: this.#waitMs(missing) };
  }

  /** Milliseconds until the bucket is full again (as of the last take). */
  fullInMs(): number {
    return this.#waitMs(this.capacity - this.#tokens);
  }

  #waitMs(missing: number): number {
    if (missing <= 0) return 0;
    return this.refillPerSecond > 0 ? Math.ceil((missing / this.refillPerSecond) * 1000) : NO_REFILL_WAIT_MS;
  }

  #refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#updatedAt = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerSecond);
  }
}

/** One bucket per key, for the `maxKeys` most recently seen keys. */
export class RateLimiter {
  // A Map in recency order evicts in three lines; its keys are SHA-256 digests, so a client's long tokens cost
  // 32 bytes each and the keys themselves are never kept.
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #maxKeys: number;

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.capacity >= 1)) throw new RangeError('rateLimit.capacity must be at least 1');
    if (!(options.refillPerSecond >= 0)) throw new RangeError('rateLimit.refillPerSecond must be >= 0');
    if (options.headers !== undefined && options.headers !== 'current' && options.headers !== 'all')
      throw new RangeError(`rateLimit.headers must be 'current' or 'all', got ${JSON.stringify(options.headers)}`);
    this.#maxKeys = options.maxKeys ?? DEFAULT_RATE_LIMIT_MAX_KEYS;
    if (!(Number.isInteger(this.#maxKeys) && this.#maxKeys >= 1))
      throw new RangeError('rateLimit.maxKeys must be an integer >= 1');
  }

  /** Number of buckets held. */
  get size(): number {
    return this.#buckets.size;
  }

  take(key: string): BucketVerdict {
    const id = createHash('sha256').update(key, 'utf8').digest('base64');
    let bucket = this.#buckets.get(id);
    if (bucket) this.#buckets.delete(id);
    else bucket = new TokenBucket(this.options.capacity, this.options.refillPerSecond, this.now);
    this.#buckets.set(id, bucket);
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
    const result = bucket.take();
    return { ...result, limit: Math.floor(this.options.capacity), fullInMs: bucket.fullInMs() };
  }
}
