// `@pictor/nestjs/queue`: its own entry point, so apps without Redis never load bullmq.
export { PictorQueueModule } from './pictor-queue.module.js';
export type { PictorQueueModuleAsyncOptions, PictorQueueModuleRootOptions } from './pictor-queue.module-definition.js';
export { PictorJobsService, type EnqueuedPictorJob, type PictorJobStatus } from './pictor-jobs.service.js';
export { PictorJobsProcessor, PICTOR_JOBS_PROCESSOR } from './pictor-jobs.processor.js';
export { PICTOR_QUEUE_MODULE_OPTIONS } from './pictor-queue.constants.js';
export type {
  PictorQueueModuleExtras,
  PictorQueueModuleOptions,
  PictorQueueOptionsFactory,
} from './interfaces/pictor-queue-module-options.interface.js';
