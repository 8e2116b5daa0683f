import type { PictorClient } from '@pictor/core';
import { Worker, type ConnectionOptions, type RateLimiterOptions, type WorkerOptions } from 'bullmq';
import { DEFAULT_QUEUE_NAME } from './job-id.js';
import { processPictorJob } from './process-job.js';
import type { PictorJobResult } from './job-result.js';
import type { PictorJobData } from './job-data.js';

/**
 * A worker limiter that never limits by itself: BullMQ honours a manual rate limit (`worker.rateLimit`, what a 429
 * sets) only on a queue with a limiter. Give it to any BullMQ worker that runs `processPictorJob` on a queue without
 * a global rate limit — on one with, give the worker that limit itself (see {@link pictorWorkerLimiter}).
 */
export const PICTOR_WORKER_LIMITER: RateLimiterOptions = { max: Number.MAX_SAFE_INTEGER, duration: 1_000 };

/**
 * The limiter a worker of a queue with this global rate limit needs. BullMQ takes the count from the queue's global
 * limit but the window from the worker's own limiter when it has one (its moveToActive script), so a worker with
 * PICTOR_WORKER_LIMITER would measure a limit of 3 per 200 ms as 3 per second: the worker gets the same limit.
 */
export function pictorWorkerLimiter(
  rateLimit: { max: number; duration: number } | null | undefined,
): RateLimiterOptions {
  return rateLimit ? { max: rateLimit.max, duration: rateLimit.duration } : PICTOR_WORKER_LIMITER;
}

export interface PictorWorkerOptions {
  /** Where Redis is: `{ url: 'redis://…' }`, `{ host, port, password }`, or an ioredis instance. */
  connection: ConnectionOptions;
  /** Default `DEFAULT_QUEUE_NAME` (`pictor`). */
  queueName?: string;
  /** Sends the requests (its API key stays in this process). Best with `maxRetries: 0`: the queue retries. */
  client: PictorClient;
  /** The folder for the images and its manifest, shared by every worker. */
  outDir: string;
  /** Jobs this worker runs at once. Default 2. The queue's global concurrency caps all workers together. */
  concurrency?: number;
  /**
   * The queue's global rate limit (`configurePictorQueue`, `queue.getGlobalRateLimit()`), if it has one: BullMQ
   * measures its window with the worker's own limiter, so every worker must be given it (read it when the worker
   * starts; restart workers after changing it).
   */
  rateLimit?: { max: number; duration: number } | null | undefined;
  /**
   * More BullMQ worker options: `lockDuration` (default 30 s: a worker that dies holds its jobs this long),
   * `stalledInterval`, `maxStalledCount` (default here 3: how often a job may be orphaned by a dying worker before
   * it fails), `autorun`, `name`.
   */
  workerOptions?: Omit<WorkerOptions, 'connection' | 'concurrency' | 'limiter'>;
}

/**
 * A BullMQ worker running `processPictorJob` for every job of the queue, pausing the whole queue on a provider's
 * 429 through its own `worker.rateLimit`. Close it with `worker.close()`: it finishes the jobs in flight first.
 */
export function createPictorWorker(options: PictorWorkerOptions): Worker<PictorJobData, PictorJobResult> {
  const worker: Worker<PictorJobData, PictorJobResult> = new Worker<PictorJobData, PictorJobResult>(
    options.queueName ?? DEFAULT_QUEUE_NAME,
    (job, _token, signal) =>
      processPictorJob(job, {
        client: options.client,
        outDir: options.outDir,
        rateLimit: (ms) => worker.rateLimit(ms),
        signal,
      }),
    {
      maxStalledCount: 3,
      ...options.workerOptions,
      connection: options.connection,
      concurrency: options.concurrency ?? 2,
      limiter: pictorWorkerLimiter(options.rateLimit),
    },
  );
  return worker;
}
