import { PictorError, QuotaExceededError, RateLimitError } from '@pictor/core';
import { RateLimitError as QueueRateLimitError, UnrecoverableError } from 'bullmq';

/** The pause when a provider's 429 says not how long to wait. */
export const DEFAULT_RATE_LIMIT_MS = 1_000;

/**
 * What a job throws for an error of a generation, so BullMQ does the right thing with it:
 * - a 429 (not a spent quota) with `rateLimit` given: the queue is paused for the provider's Retry-After and
 *   BullMQ's rate-limit error puts the job back to waiting without using an attempt;
 * - a Pictor error worth repeating (connection, 408, 409, 5xx, a 429 without `rateLimit`): itself, so BullMQ
 *   retries it with its attempts and backoff;
 * - any other Pictor error (invalid request, 401, 403, a spent quota): `UnrecoverableError`, failed at once;
 * - anything else (a full disk): itself.
 */
export async function queueErrorFor(error: unknown, rateLimit?: (ms: number) => Promise<void>): Promise<unknown> {
  if (RateLimitError.isInstance(error) && !QuotaExceededError.isInstance(error) && rateLimit) {
    await rateLimit(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS);
    return new QueueRateLimitError();
  }
  if (!PictorError.isInstance(error) || error.isRetryable) return error;
  return new UnrecoverableError(`${error.name}: ${error.message}`);
}
