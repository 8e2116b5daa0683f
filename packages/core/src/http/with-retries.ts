import { abortErrorFor } from '../errors/abort-error.js';
import { AbortError, APIError, PictorError, RateLimitError } from '../errors/index.js';
import type { Sleep } from './http-context.js';
import { parseRetryAfter } from './retry-after.js';

export interface RetryPolicy {
  /** Retries after the first attempt (so `maxRetries + 1` attempts at most). */
  maxRetries: number;
  /** First backoff delay; doubles on each retry. */
  initialDelayMs: number;
  /** Backoff cap. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, initialDelayMs: 500, maxDelayMs: 8_000 };

/** Told before each retry: which attempt failed, why, and how long Pictor waits. */
export interface RetryEvent {
  attempt: number;
  error: PictorError;
  delayMs: number;
}

/** Whether a failed attempt is worth repeating: `x-should-retry` first, then the error's own verdict. */
export function shouldRetry(error: PictorError): boolean {
  if (AbortError.isInstance(error as unknown)) return false;
  if (APIError.isInstance(error)) {
    const hint = error.headers['x-should-retry'];
    if (hint === 'true') return true;
    if (hint === 'false') return false;
  }
  return error.isRetryable;
}

/** The wait before retry number `retry` (1-based): the server's Retry-After when sane, else capped jittered backoff. */
export function retryDelay(error: PictorError, retry: number, policy: RetryPolicy): number {
  if (RateLimitError.isInstance(error) && error.retryAfterMs !== undefined) return error.retryAfterMs;
  if (APIError.isInstance(error)) {
    const asked = parseRetryAfter(error.headers);
    if (asked !== undefined) return asked;
  }
  const base = Math.min(policy.initialDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  return Math.round(base * (1 - Math.random() * 0.25));
}

/**
 * Runs `attempt` until it succeeds, fails in a way not worth repeating, or the retries run out. The error that
 * escapes carries the number of attempts made. An abort (during an attempt or a wait) is never retried.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  options: { sleep: Sleep; signal?: AbortSignal | undefined; onRetry?: ((event: RetryEvent) => void) | undefined },
): Promise<T> {
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) throw abortErrorFor(options.signal, undefined, { attempts: n - 1 });
    try {
      return await attempt(n);
    } catch (caught) {
      if (!PictorError.isInstance(caught)) throw caught;
      caught.attempts = n;
      // Past a deadline (or a cancel) nothing is retried: the signal's reason says why it stopped.
      if (options.signal?.aborted) {
        throw AbortError.isInstance(caught) || caught === options.signal.reason
          ? caught
          : abortErrorFor(options.signal, undefined, { attempts: n, cause: caught });
      }
      if (n > policy.maxRetries || !shouldRetry(caught)) throw caught;
      const delayMs = retryDelay(caught, n, policy);
      options.onRetry?.({ attempt: n, error: caught, delayMs });
      try {
        await options.sleep(delayMs, options.signal);
      } catch {
        throw abortErrorFor(options.signal, undefined, { attempts: n, cause: caught });
      }
    }
  }
}
