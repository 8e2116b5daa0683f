import type { PictorJobStatus } from '@pictor/nestjs/queue';

/**
 * A job as `GET /jobs/:id` answers it: its state and stage, and once completed its images — each with the file
 * name in the workers' `JOBS_OUT_DIR` and a `url` that serves it from this process's `JOBS_OUT_DIR` — their cost
 * and warnings; once failed, why.
 */
export function jobResponse(job: PictorJobStatus) {
  const result = job.result;
  return {
    id: job.id,
    state: job.state,
    progress: job.progress,
    attemptsMade: job.attemptsMade,
    skipped: result?.skipped ?? null,
    images: (result?.images ?? []).map((image, index) => ({
      index,
      file: image.file,
      url: `/jobs/${job.id}/images/${index}`,
      width: image.width,
      height: image.height,
      mediaType: image.mediaType,
      sha256: image.sha256,
    })),
    cost: result?.cost ?? null,
    warnings: result?.warnings ?? [],
    failedReason: job.failedReason ?? null,
  };
}
