import {
  normalizeRequest,
  ValidationError,
  type FieldIssue,
  type ImageRequest,
  type NormalizedRequest,
  type PictorClient,
} from '@pictor/core';
import type { JobsOptions, Queue } from 'bullmq';
import { pictorJobId } from './job-id.js';
import { pictorJobKey, toJobRequest } from './job-key.js';
import type { PictorJobData } from './job-data.js';

/** One prompt to enqueue with what goes with it: a `BatchJob` from core's `parseBatchFile` is one. */
export interface PictorJobInput {
  request: ImageRequest | NormalizedRequest;
  fileName?: string | undefined;
  /** Its line in a batch file, for messages. */
  line?: number | undefined;
}

export interface EnqueuePictorJobsOptions {
  /** The client the workers will use (provider and default model make the keys); nothing is sent through it. */
  client: PictorClient;
  /** BullMQ options for each job, over `DEFAULT_JOB_OPTIONS`. `jobId` is always the prompt's own. */
  jobOptions?: Omit<JobsOptions, 'jobId'>;
}

export interface EnqueueResult {
  /** Job ids added now, in input order. */
  added: string[];
  /** Job ids the queue already held (waiting, active, delayed or completed), and repeats within the input. */
  existing: string[];
  /** Job ids that had failed and were moved back to waiting (a subset of `existing`). */
  retried: string[];
  /** Every input's job id, in input order (repeats included). */
  jobIds: string[];
}

/** Attempts with exponential backoff for failures worth repeating; a 429 uses none of them. Jobs are kept when done
 * so a rerun finds them (a completed job is not added again). */
export const DEFAULT_JOB_OPTIONS: Omit<JobsOptions, 'jobId'> = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
};

function isInput(item: ImageRequest | PictorJobInput): item is PictorJobInput {
  return typeof item === 'object' && item !== null && 'request' in item && !('prompt' in item);
}

/**
 * Adds one job per prompt, with the id of its manifest key (`pictorJobId`): a prompt the queue already holds is
 * not added again, so a rerun or a second enqueuer adds nothing twice, and a prompt whose job failed is retried.
 * Every request is validated first (all problems at once, by line or position); nothing is added if one is bad.
 * `added`/`existing` are exact unless two enqueuers add the same prompt at the same instant, when both may count it
 * as added — the queue holds it once either way.
 */
export async function enqueuePictorJobs(
  queue: Queue,
  requests: ReadonlyArray<ImageRequest | PictorJobInput>,
  options: EnqueuePictorJobsOptions,
): Promise<EnqueueResult> {
  const issues: FieldIssue[] = [];
  const jobs: Array<{ id: string; data: PictorJobData }> = [];
  requests.forEach((item, position) => {
    const input = isInput(item) ? item : { request: item };
    const where = input.line === undefined ? `${position}` : `line ${input.line}`;
    try {
      const normalized = normalizeRequest(input.request);
      const key = pictorJobKey(options.client, normalized);
      const data: PictorJobData = {
        key,
        request: toJobRequest(normalized),
        ...(input.fileName === undefined ? {} : { fileName: input.fileName }),
        ...(input.line === undefined ? {} : { line: input.line }),
      };
      jobs.push({ id: pictorJobId(key), data });
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      for (const issue of error.issues) issues.push({ field: `${where}.${issue.field}`, message: issue.message });
    }
  });
  if (issues.length) throw new ValidationError(issues, 'jobs');

  const result: EnqueueResult = { added: [], existing: [], retried: [], jobIds: jobs.map((job) => job.id) };
  const seen = new Set<string>();
  const toAdd: typeof jobs = [];
  const found = await Promise.all(jobs.map((job) => queue.getJob(job.id)));
  for (const [i, job] of jobs.entries()) {
    if (seen.has(job.id)) {
      result.existing.push(job.id);
      continue;
    }
    seen.add(job.id);
    const held = found[i];
    if (!held) {
      toAdd.push(job);
      continue;
    }
    result.existing.push(job.id);
    if ((await held.getState()) === 'failed') {
      await held.retry('failed');
      result.retried.push(job.id);
    }
  }
  const jobOptions = { ...DEFAULT_JOB_OPTIONS, ...options.jobOptions };
  await queue.addBulk(
    toAdd.map((job) => ({ name: 'generate', data: job.data, opts: { ...jobOptions, jobId: job.id } })),
  );
  result.added.push(...toAdd.map((job) => job.id));
  return result;
}
