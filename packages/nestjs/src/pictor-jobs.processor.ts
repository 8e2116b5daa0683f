import type { OnModuleDestroy } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { pictorWorkerLimiter, processPictorJob, type PictorJobData, type PictorJobResult } from '@pictor/queue';
import type { Job } from 'bullmq';
import type { PictorQueueModuleOptions } from './interfaces/pictor-queue-module-options.interface.js';
import type { PictorQueueClient } from './pictor-queue-client.js';

/** Injection token of a queue's processor (null in a process started with `processor: false`). */
export const PICTOR_JOBS_PROCESSOR = 'PICTOR_JOBS_PROCESSOR';

/**
 * The worker of a Pictor queue: each job generates its request and saves the images and the manifest entry in
 * `outDir` (`processPictorJob` of `@pictor/queue`: a request already in the manifest is skipped, a 429 pauses the
 * whole queue for the provider's wait through `worker.rateLimit`).
 */
export class PictorJobsProcessor extends WorkerHost implements OnModuleDestroy {
  constructor(
    private readonly pictor: PictorQueueClient,
    private readonly outDir: string,
  ) {
    super();
  }

  process(job: Job<PictorJobData>, _token?: string, signal?: AbortSignal): Promise<PictorJobResult> {
    return processPictorJob(job, {
      client: this.pictor.client,
      outDir: this.outDir,
      rateLimit: (ms: number) => this.worker.rateLimit(ms),
      signal,
    });
  }

  /** Stops taking jobs and lets those running finish while the client is still open (it closes after this). */
  async onModuleDestroy(): Promise<void> {
    // `worker` throws until BullMQ's explorer has set it (an app that failed to start never had one).
    const worker = (() => {
      try {
        return this.worker;
      } catch {
        return undefined;
      }
    })();
    await worker?.close();
  }
}

/**
 * A processor for the queue `queueName`. `@Processor` is metadata on a class, and the queue's name and the
 * worker's concurrency may come from a `forRootAsync` factory, so each module decorates a subclass of its own.
 */
export function createPictorJobsProcessor(
  queueName: string,
  configKey: string,
  options: PictorQueueModuleOptions,
  client: PictorQueueClient,
): PictorJobsProcessor {
  class QueueProcessor extends PictorJobsProcessor {}
  // BullMQ honours `worker.rateLimit` (what a 429 sets) only with a limiter, and measures a global rate limit's
  // window by the worker's own: the module's rate limit, else one that never limits by itself.
  Processor(
    { name: queueName, configKey },
    { concurrency: options.concurrency ?? 1, limiter: pictorWorkerLimiter(options.rateLimit), maxStalledCount: 3 },
  )(QueueProcessor);
  return new QueueProcessor(client, options.outDir);
}
