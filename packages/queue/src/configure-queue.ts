import type { Queue } from 'bullmq';

export interface PictorQueueLimits {
  /** Jobs running at once across every worker of the queue; `null` removes the cap. */
  globalConcurrency?: number | null;
  /** At most `max` jobs started per `duration` ms across every worker; `null` removes the limit. */
  rateLimit?: { max: number; duration: number } | null;
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${field}: must be a whole number ≥ 1, got ${value}`);
  return value;
}

/**
 * Sets the limits that hold across all workers, stored in Redis with the queue (BullMQ's global concurrency and
 * global rate limit): any process may set them, every worker obeys at once. A limit left out is left as it is.
 * Returns the limits now in force.
 */
export async function configurePictorQueue(
  queue: Queue,
  limits: PictorQueueLimits,
): Promise<{ globalConcurrency: number | null; rateLimit: { max: number; duration: number } | null }> {
  if (limits.globalConcurrency === null) await queue.removeGlobalConcurrency();
  else if (limits.globalConcurrency !== undefined)
    await queue.setGlobalConcurrency(positiveInteger(limits.globalConcurrency, 'globalConcurrency'));
  if (limits.rateLimit === null) await queue.removeGlobalRateLimit();
  else if (limits.rateLimit !== undefined)
    await queue.setGlobalRateLimit(
      positiveInteger(limits.rateLimit.max, 'rateLimit.max'),
      positiveInteger(limits.rateLimit.duration, 'rateLimit.duration'),
    );
  return { globalConcurrency: await queue.getGlobalConcurrency(), rateLimit: await queue.getGlobalRateLimit() };
}
