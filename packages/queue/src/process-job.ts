import { normalizeRequest, ValidationError, type PictorClient, type PictorWarning } from '@pictor/core';
import { findCompleteEntry, saveImages, type ManifestImage } from '@pictor/core/storage';
import { UnrecoverableError, type Job } from 'bullmq';
import { resolve } from 'node:path';
import { parsePictorJobData, type PictorJobData } from './job-data.js';
import { queueErrorFor } from './job-errors.js';
import { pictorJobId } from './job-id.js';
import { pictorJobKey } from './job-key.js';
import type { PictorJobProgress, PictorJobResult } from './job-result.js';

export interface PictorJobContext {
  /** Sends the requests. Give it `maxRetries: 0`, or at least let the queue rather than the client sit out 429s. */
  client: PictorClient;
  /** The folder for the images and its manifest (shared by every worker of the queue). */
  outDir: string;
  /**
   * Pauses the whole queue for this many milliseconds (`worker.rateLimit`). Without it a 429 is retried like a
   * 5xx, using one of the job's attempts.
   */
  rateLimit?: (ms: number) => Promise<void>;
  /** Cancels the generation (BullMQ passes one to processors). */
  signal?: AbortSignal | undefined;
}

/**
 * The job's data checked as untrusted input — by the schema and core's validation, and its key and id against
 * the request as this worker's client would key it — before any network call. Bad data fails the job for good.
 */
function readJob(job: Job, client: PictorClient): PictorJobData & { normalized: ReturnType<typeof normalizeRequest> } {
  let data: PictorJobData;
  let normalized;
  try {
    data = parsePictorJobData(job.data);
    normalized = normalizeRequest(data.request);
  } catch (error) {
    if (ValidationError.isInstance(error)) throw new UnrecoverableError(error.message);
    throw error;
  }
  const key = pictorJobKey(client, normalized);
  if (key !== data.key) {
    throw new UnrecoverableError(
      `Invalid job data: key: does not match the request for this worker's provider (${client.provider}) and ` +
        `default model (${client.defaultModel ?? 'none'}): was it enqueued for another provider or model?`,
    );
  }
  if (job.id !== pictorJobId(key)) {
    throw new UnrecoverableError(`Invalid job: its id is not pictorJobId(key) for its key ${key.slice(0, 16)}…`);
  }
  return { ...data, normalized };
}

function imagesOf(images: readonly ManifestImage[]): PictorJobResult['images'] {
  return images.map(({ file, sha256, width, height, mediaType }) => ({ file, sha256, width, height, mediaType }));
}

function warningText(warning: PictorWarning): string {
  switch (warning.type) {
    case 'unsupported-setting':
      return `${warning.setting}: ${warning.details}`;
    case 'media-type-mismatch':
      return `image ${warning.index}: declared ${warning.declared}, is ${warning.actual}`;
    case 'other':
      return warning.message;
  }
}

/**
 * Runs one Pictor job: skips it when the folder's manifest already holds the prompt complete (files present with
 * their sha256 — so a job delivered again after a crash between saving and acknowledging is not paid twice), else
 * generates, saves the images and the manifest entry with core's `saveImages`, and returns what was saved. Errors
 * are shaped for BullMQ by `queueErrorFor`: a 429 pauses the whole queue, bad data and refused requests fail at
 * once, transient failures are retried. A partial result (some images failed) keeps what was saved and is retried.
 */
export async function processPictorJob(job: Job, context: PictorJobContext): Promise<PictorJobResult> {
  const { client } = context;
  const data = readJob(job, client);
  const dir = resolve(context.outDir);
  const progress = (value: PictorJobProgress) => job.updateProgress(value);
  try {
    const entry = await findCompleteEntry(dir, data.key);
    if (entry) {
      await progress({ stage: 'skipped', images: entry.images.length });
      return { key: data.key, skipped: true, images: imagesOf(entry.images), cost: null, warnings: [] };
    }
    await progress({ stage: 'generating' });
    const result = await client.generate(data.normalized, context.signal ? { signal: context.signal } : {});
    const saved = await saveImages(result, dir, data.fileName === undefined ? {} : { fileName: data.fileName });
    const failure = result.failures[0];
    if (failure) throw failure.error;
    await progress({ stage: 'saved', images: saved.images.length });
    return {
      key: data.key,
      skipped: false,
      images: imagesOf(saved.entry.images),
      cost: { usd: result.cost.usd ?? null, basis: result.cost.basis },
      warnings: result.warnings.map(warningText),
    };
  } catch (error) {
    throw await queueErrorFor(error, context.rateLimit);
  }
}
