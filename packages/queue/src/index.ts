// `@pictor/queue`: Pictor generation jobs on BullMQ and Redis — many workers, one provider allowance, nothing paid
// for twice. The scheduling is BullMQ's; this package says what a job is and how a worker runs one.
export { DEFAULT_QUEUE_NAME, pictorJobId } from './job-id.js';
export { pictorJobKey, toJobRequest } from './job-key.js';
export { pictorJobDataSchema, parsePictorJobData, type PictorJobData } from './job-data.js';
export type { PictorJobResult, PictorJobProgress } from './job-result.js';
export {
  enqueuePictorJobs,
  DEFAULT_JOB_OPTIONS,
  type EnqueuePictorJobsOptions,
  type EnqueueResult,
  type PictorJobInput,
} from './enqueue-jobs.js';
export { processPictorJob, type PictorJobContext } from './process-job.js';
export { queueErrorFor, DEFAULT_RATE_LIMIT_MS } from './job-errors.js';
export {
  createPictorWorker,
  PICTOR_WORKER_LIMITER,
  pictorWorkerLimiter,
  type PictorWorkerOptions,
} from './create-worker.js';
export { configurePictorQueue, type PictorQueueLimits } from './configure-queue.js';
