import type { PictorClientOptions } from '@pictor/core';
import type { ConnectionOptions } from 'bullmq';

/**
 * Options of `PictorQueueModule.forRoot()` / what a `forRootAsync` factory returns: where Redis is, where images
 * go, how many jobs run at once, and which Pictor client makes them.
 */
export interface PictorQueueModuleOptions {
  /**
   * The Redis server: a `redis://` / `rediss://` URL, or BullMQ's connection options (ioredis options, or an
   * ioredis instance you own and close).
   */
  connection: string | ConnectionOptions;
  /** BullMQ's key prefix in Redis (default `bull`). */
  prefix?: string;
  /** The folder a worker saves images and the manifest into (on a worker's machine). */
  outDir: string;
  /**
   * Run a worker in this process (default true). `false` makes an API-only process that enqueues and reads jobs
   * while worker processes elsewhere, with the same queue and Redis, generate.
   */
  processor?: boolean;
  /** Jobs this process's worker runs at once (default 1). */
  concurrency?: number;
  /** Jobs all workers of the queue run at once, stored in Redis for every process (unset: no global limit). */
  globalConcurrency?: number;
  /** Jobs all workers may start per `duration` ms, stored in Redis for every process: the provider's allowance. */
  rateLimit?: { max: number; duration: number };
  /**
   * The Pictor client's options, for a client of the queue's own (closed with the app). Without them the queue
   * uses a client registered with `PictorModule`: the one `pictor` names, else the default one.
   */
  client?: PictorClientOptions;
  /** The name of the `PictorModule` client to use when `client` is not given (default: the default client). */
  pictor?: string;
}

/** Settings of the Nest module itself, fixed when the module is declared (not computed by a factory). */
export interface PictorQueueModuleExtras {
  /** The BullMQ queue's name (default `DEFAULT_QUEUE_NAME` of `@pictor/queue`). */
  queueName?: string;
  /** Provide `PictorJobsService` in every module without importing `PictorQueueModule` again. Default false. */
  isGlobal?: boolean;
}

/** What a class given to `forRootAsync({ useClass })` or `useExisting` implements. */
export interface PictorQueueOptionsFactory {
  createPictorQueueOptions(): PictorQueueModuleOptions | Promise<PictorQueueModuleOptions>;
}
