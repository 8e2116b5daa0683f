import pLimit from 'p-limit';
import type { PictorClient } from '../client/client.js';
import { AbortError, PictorError, ValidationError, type FieldIssue } from '../errors/index.js';
import type { GenerateResult } from '../client/generate-images.js';
import { normalizeRequest, type NormalizedRequest } from '../request/image-request.js';
import { findCompleteEntry, MANIFEST_FILE, readManifest, requestKey, type ManifestEntry } from '../storage/manifest.js';
import type { BatchJob } from './parse-batch-file.js';
import { saveImages, type SaveResult } from '../storage/save-images.js';
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';

export type BatchEvent =
  | { type: 'skipped'; position: number; job: BatchJob; entry: ManifestEntry }
  | { type: 'saved'; position: number; job: BatchJob; result: GenerateResult; saved: SaveResult }
  | { type: 'failed'; position: number; job: BatchJob; error: PictorError };

export interface RunBatchOptions {
  client: PictorClient;
  jobs: BatchJob[];
  /** Folder for the images and its `manifest.json`. */
  outDir: string;
  /** Prompts generated at once (each may itself be several calls). Default 2. */
  concurrency?: number;
  /** Skip a prompt whose complete generation the manifest already records (files present). Default true. */
  skipExisting?: boolean;
  /** File-name pattern for jobs that set none. */
  fileName?: string;
  /** Stops starting new prompts and aborts those in flight; finished ones stay saved. */
  signal?: AbortSignal;
  onEvent?: (event: BatchEvent) => void;
}

/** A batch's outcome. */
export interface BatchReport {
  total: number;
  generated: number;
  skipped: number;
  failed: number;
  /** Prompts neither done nor failed because the batch was aborted. */
  notStarted: number;
  aborted: boolean;
  /** Every image file of the batch, generated now or found from an earlier run, in job order. */
  files: string[];
  failures: Array<{ position: number; line: number; prompt: string; error: PictorError }>;
  manifestPath: string;
}

/**
 * Runs many prompts into one folder with resume: a prompt whose generation the manifest already holds is
 * skipped, so a rerun makes only what is missing. Every job is validated before the first request. A prompt
 * that fails is reported and the others go on; images are saved (atomically) as each prompt completes, so an
 * interruption leaves every finished image and a manifest that matches the files.
 */
export async function runBatch(options: RunBatchOptions): Promise<BatchReport> {
  const { client, jobs } = options;
  const dir = resolve(options.outDir);
  const normalized: NormalizedRequest[] = [];
  const issues: FieldIssue[] = [];
  for (const job of jobs) {
    try {
      normalized.push(normalizeRequest(job.request));
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      for (const issue of error.issues) issues.push({ field: `line ${job.line}.${issue.field}`, message: issue.message });
    }
  }
  if (issues.length) throw new ValidationError(issues, 'batch');
  await mkdir(dir, { recursive: true });
  const manifest = await readManifest(dir);

  const filesByPosition: string[][] = jobs.map(() => []);
  const report: BatchReport = {
    total: jobs.length,
    generated: 0,
    skipped: 0,
    failed: 0,
    notStarted: 0,
    aborted: false,
    files: [],
    failures: [],
    manifestPath: join(dir, MANIFEST_FILE),
  };
  const limit = pLimit(options.concurrency ?? 2);
  await Promise.all(
    jobs.map((job, position) =>
      limit(async () => {
        if (options.signal?.aborted) {
          report.notStarted++;
          return;
        }
        const request = normalized[position]!;
        const model = request.model ?? client.defaultModel ?? '';
        const key = requestKey(client.provider, model, request);
        if (options.skipExisting !== false) {
          const entry = await findCompleteEntry(dir, key, manifest);
          if (entry) {
            report.skipped++;
            filesByPosition[position] = entry.images.map((i) => join(dir, i.file));
            options.onEvent?.({ type: 'skipped', position, job, entry });
            return;
          }
        }
        try {
          const result = await client.generate(job.request, options.signal ? { signal: options.signal } : {});
          const saved = await saveImages(result, dir, { fileName: job.fileName ?? options.fileName });
          filesByPosition[position] = saved.images.map((i) => i.path);
          if (result.failures.length) {
            const first = result.failures[0]!.error;
            report.failed++;
            report.failures.push({ position, line: job.line, prompt: result.prompt, error: first });
            options.onEvent?.({ type: 'failed', position, job, error: first });
          } else {
            report.generated++;
          }
          options.onEvent?.({ type: 'saved', position, job, result, saved });
        } catch (error) {
          if (!PictorError.isInstance(error)) throw error;
          if (AbortError.isInstance(error) && options.signal?.aborted) {
            report.notStarted++;
            return;
          }
          report.failed++;
          report.failures.push({ position, line: job.line, prompt: String(job.request.prompt), error });
          options.onEvent?.({ type: 'failed', position, job, error });
        }
      }),
    ),
  );
  report.aborted = options.signal?.aborted ?? false;
  report.files = filesByPosition.flat();
  report.failures.sort((a, b) => a.position - b.position);
  return report;
}
