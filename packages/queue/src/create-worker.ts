import type { PictorClient } from '@pictor/core';
import { Worker, type ConnectionOptions, type RateLimiterOptions, type WorkerOptions } from 'bullmq';
import { DEFAULT_QUEUE_NAME } from './job-id.js';
import { processPictorJob } from './process-job.js';
import type { PictorJobResult } from './job-result.js';
import type { PictorJobData } from './job-data.js';

/**
 * A worker limiter that never limits by itself: BullMQ honours a manual rate limit (`worker.rateLimit`, what a 429
 * sets) only on a queue with a limiter, and the queue's global rate limit, when set, takes its place. Give it to any
 * BullMQ worker that runs `processPictorJob`.
 */
export const PICTOR_WORKER_LIMITER: RateLimiterOptions = { max: Number.MAX_SAFE_INTEGER, duration: 1_000 };

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
      limiter: PICTOR_WORKER_LIMITER,
    },
  );
  return worker;
}
