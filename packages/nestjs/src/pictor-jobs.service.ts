import type { OnModuleInit } from '@nestjs/common';
import { ValidationError, type ImageRequest } from '@pictor/core';
import {
  configurePictorQueue,
  enqueuePictorJobs,
  type PictorJobData,
  type PictorJobProgress,
  type PictorJobResult,
} from '@pictor/queue';
import type { JobState, Queue } from 'bullmq';
import type { PictorQueueModuleOptions } from './interfaces/pictor-queue-module-options.interface.js';
import type { PictorQueueClient } from './pictor-queue-client.js';

/** What `enqueue()` answers: the job's id, and whether that request was already queued (or done) before. */
export interface EnqueuedPictorJob {
  id: string;
  existing: boolean;
}

/** A job as `get()` reads it from Redis. */
export interface PictorJobStatus {
  id: string;
  /** BullMQ's state: `waiting`, `active`, `delayed`, `completed`, `failed`, … */
  state: JobState | 'unknown';
  /** The stage the worker reported last (`generating`, `saved`, `skipped`); null before a worker took it. */
  progress: PictorJobProgress | null;
  /** Once completed: the images saved (files in `outDir`), their cost and warnings, or `skipped`. */
  result: PictorJobResult | undefined;
  /** Once failed: why (core's error message, which never holds the API key). */
  failedReason: string | undefined;
  /** How many times the job was tried. */
  attemptsMade: number;
}

/**
 * Enqueues generation requests and reads their jobs. Jobs are keyed by the request (and the client's provider and
 * model), so the same request enqueued twice, from any process, is one job and its images are paid for once.
 */
export class PictorJobsService implements OnModuleInit {
  constructor(
    /** The BullMQ queue, for anything the service does not wrap. */
    readonly queue: Queue<PictorJobData, PictorJobResult>,
    private readonly pictor: PictorQueueClient,
    private readonly options: PictorQueueModuleOptions,
  ) {}

  /** Stores the queue-wide limits in Redis, where every worker of the queue reads them. */
  async onModuleInit(): Promise<void> {
    const { globalConcurrency, rateLimit } = this.options;
    if (globalConcurrency !== undefined || rateLimit !== undefined)
      await configurePictorQueue(this.queue, { globalConcurrency, rateLimit });
  }

  /**
   * Queues one request. Throws core's `ValidationError`, naming each bad field, before anything reaches Redis.
   * Enqueuing a request already queued, running or done answers its job with `existing: true`.
   */
  async enqueue(request: ImageRequest): Promise<EnqueuedPictorJob> {
    const { added, jobIds } = await enqueuePictorJobs(this.queue, [request], {
      client: this.pictor.client,
    }).catch((error: unknown) => {
      // The issues of a list name the position (`0.prompt`); this is one request, so its fields are its own.
      if (!ValidationError.isInstance(error)) throw error;
      throw new ValidationError(
        error.issues.map((issue) => ({ ...issue, field: issue.field.replace(/^0\./, '') })),
        'request',
      );
    });
    return { id: jobIds[0]!, existing: added.length === 0 };
  }

  /** The job's state, progress, result or failure; undefined when no job has that id (or it was removed). */
  async get(id: string): Promise<PictorJobStatus | undefined> {
    // The state first, then the job: a job read before it completes has no result yet, while its state might.
    const state = await this.queue.getJobState(id);
    const job = await this.queue.getJob(id);
    if (!job) return undefined;
    return {
      id,
      state,
      progress: typeof job.progress === 'object' ? (job.progress as PictorJobProgress) : null,
      result: state === 'completed' ? job.returnvalue : undefined,
      failedReason: state === 'failed' ? job.failedReason : undefined,
      attemptsMade: job.attemptsMade,
    };
  }
}
