/** A token bucket per API key: `capacity` requests at once, refilled at `refillPerSecond`. */
export interface RateLimitOptions {
  capacity: number;
  refillPerSecond: number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

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
    const retryAfterMs = this.refillPerSecond > 0 ? Math.ceil((missing / this.refillPerSecond) * 1000) : 60_000;
    return { ok: false, retryAfterMs };
  }

  #refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#updatedAt = now;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerSecond);
  }
}

/** One bucket per key. */
export class RateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.capacity >= 1)) throw new RangeError('rateLimit.capacity must be at least 1');
    if (!(options.refillPerSecond >= 0)) throw new RangeError('rateLimit.refillPerSecond must be >= 0');
  }

  take(key: string): TakeResult {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.options.capacity, this.options.refillPerSecond, this.now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take();
  }
}
