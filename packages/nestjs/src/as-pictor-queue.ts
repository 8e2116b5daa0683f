import type { enqueuePictorJobs, processPictorJob } from '@pictor/queue';
import type { Job, Queue } from 'bullmq';

// The lock may hold bullmq twice (its optional `ioredis` peer is resolved per package), which gives two `Queue`
// and `Job` types for one class at run time. These name the types @pictor/queue expects; drop them once
// @pictor/queue resolves the same ioredis.

/** The queue as `@pictor/queue` types it. */
export function asPictorQueue(queue: Queue): Parameters<typeof enqueuePictorJobs>[0] {
  return queue as unknown as Parameters<typeof enqueuePictorJobs>[0];
}

/** The job as `@pictor/queue` types it. */
export function asPictorJob(job: Job): Parameters<typeof processPictorJob>[0] {
  return job as unknown as Parameters<typeof processPictorJob>[0];
}
