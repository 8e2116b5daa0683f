import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PictorClient } from '../client/client.js';
import { createLimit } from '../client/concurrency-limit.js';
import type { GenerateResult } from '../client/generate-images.js';
import {
  AbortError,
  AuthenticationError,
  PermissionDeniedError,
  PictorError,
  QuotaExceededError,
  ValidationError,
  type FieldIssue,
} from '../errors/index.js';
import { fileNamePatternProblem } from '../images/file-name.js';
import { normalizeRequest, type NormalizedRequest } from '../request/image-request.js';
import type { PictorWarning } from '../request/warnings.js';
import {
  findCompleteEntry,
  MANIFEST_FILE,
  readManifest,
  type ManifestEntry,
  type ManifestWarning,
} from '../storage/manifest.js';
import { saveImages, type SavedImage, type SaveResult } from '../storage/save-images.js';
import type { BatchJob } from './parse-batch-file.js';
import { editKeyInputs, inShard, promptKey, toShard, type Shard } from './shard.js';
import { createBudget } from '../cost/budget.js';
import { nodeReadFile } from '../client/node-read-file.js';
import { readInputFiles } from '../client/read-input-file.js';
import { readInputImages } from '../images/input-images.js';
import type { ImageInput, InputImage } from '../request/edit-request.js';

/** What became of one prompt of a batch. */
export interface BatchOutcome {
  /** Position of the job in the batch (0-based). */
  position: number;
  /** Its line (or YAML item) in the batch file. */
  line: number;
  prompt: string;
  /**
   * `generated`: every image made by this run; `partial`: some made and saved, the rest failed; `skipped`: found
   * complete from an earlier run; `failed`: none made; `not-started`: the batch was aborted before it.
   */
  status: 'generated' | 'partial' | 'skipped' | 'failed' | 'not-started';
  /** Its images on disk, new or found. */
  images: SavedImage[];
  /** Why it failed (the first failure of a partial prompt). */
  error: PictorError | undefined;
  warnings: PictorWarning[];
}

/** Told as each prompt ends; `outcome` is what the report will hold for it. */
export type BatchEvent =
  | { type: 'skipped'; position: number; job: BatchJob; entry: ManifestEntry; outcome: BatchOutcome }
  | { type: 'saved'; position: number; job: BatchJob; result: GenerateResult; saved: SaveResult; outcome: BatchOutcome }
  | { type: 'failed'; position: number; job: BatchJob; error: PictorError; outcome: BatchOutcome };

export interface RunBatchOptions {
  client: PictorClient;
  jobs: BatchJob[];
  /** Folder for the images and its `manifest.json`. */
  outDir: string;
  /**
   * Prompts under way at once (each may itself be several calls). Default 16: enough to keep the client's own limit
   * busy, which decides how many calls are in flight (see the client's `concurrency` and `adaptiveConcurrency`).
   */
  concurrency?: number;
  /** Skip a prompt whose complete generation the manifest already records (files present). Default true. */
  skipExisting?: boolean;
  /** File-name pattern for jobs that set none. */
  fileName?: string;
  /** Stops starting new prompts and aborts those in flight; finished ones stay saved. */
  signal?: AbortSignal;
  onEvent?: (event: BatchEvent) => void;
  /** Told once per manifest entry left out (a file outside the folder), before the first prompt. */
  onWarning?: (warning: ManifestWarning) => void;
  /**
   * Edits these images with every prompt instead of generating. Read and checked once, before the first call; a
   * prompt is skipped only when the manifest holds it for these very inputs (keyed by their hashes).
   */
  edit?: { images: ImageInput[]; mask?: ImageInput | undefined } | undefined;
  /** The batch's budget in USD: a call that would pass it is not sent, and the prompts after it fail with
   * `BudgetExceededError`; everything made before is saved. */
  maxCost?: number | undefined;
  /**
   * Runs only this share of the prompts (`'2/4'` or `{ index: 2, total: 4 }`, 1-based): those whose manifest key
   * falls in it (see `inShard`), so n machines given 1/n … n/n make every prompt once between them.
   */
  shard?: Shard | string | undefined;
}

/** A batch's outcome. */
export interface BatchReport {
  total: number;
  /** Prompts whose images were all made by this run. */
  generated: number;
  skipped: number;
  /** Prompts with at least one failed image (`failed` and `partial` outcomes). */
  failed: number;
  /** Prompts neither done nor failed because the batch was aborted or stopped. */
  notStarted: number;
  aborted: boolean;
  /**
   * The error that stopped the batch: one every other prompt would meet too (a wrong key, no access, no quota left),
   * so the prompts after it were not sent.
   */
  stoppedBy: PictorError | undefined;
  /** Every prompt's fate, in job order. */
  outcomes: BatchOutcome[];
  /** Every image file of the batch, generated now or found from an earlier run, in job order. */
  files: string[];
  failures: Array<{ position: number; line: number; prompt: string; error: PictorError }>;
  manifestPath: string;
  /** The share this run made, when `shard` was given. */
  shard: Shard | undefined;
  /**
   * Prompts left to the other shards. They are not in `outcomes` nor in `total`: a sharded job's report (the
   * Action's summary, the CLI's counts) is about its own share, which a user reads as "this job's prompts".
   */
  otherShards: number;
}

const DEFAULT_CONCURRENCY = 16;

/** Errors every other prompt would meet too (a wrong key, no access, no quota): the batch stops at the first. */
function stopsTheBatch(error: PictorError): boolean {
  return (
    AuthenticationError.isInstance(error) ||
    PermissionDeniedError.isInstance(error) ||
    QuotaExceededError.isInstance(error)
  );
}

/**
 * Runs many prompts into one folder with resume: a prompt whose generation the manifest already holds (every
 * file still in the folder with its recorded size and sha256) is skipped, so a rerun makes only what is missing.
 * Every job is validated before the first request (once: jobs from `parseBatchFile` already are). A prompt that
 * fails is reported and the others go on; images are saved (atomically) as each prompt completes, so an
 * interruption leaves every finished image and a manifest that matches the files.
 */
export async function runBatch(options: RunBatchOptions): Promise<BatchReport> {
  const { client, jobs } = options;
  const dir = resolve(options.outDir);
  const shard = options.shard === undefined ? undefined : toShard(options.shard);
  const requests = validateJobs(jobs, options.fileName);
  const edit = options.edit && (await readEditInputs(options.edit));
  const keys = requests.map((request) => promptKey(client, request, edit?.info));
  const positions = jobs.flatMap((_, position) => (!shard || inShard(keys[position]!, shard) ? [position] : []));
  const budget = options.maxCost === undefined ? undefined : createBudget(options.maxCost);
  await mkdir(dir, { recursive: true });
  const manifest = await readManifest(dir, options.onWarning ? { onWarning: options.onWarning } : {});

  const outcomes = positions.map((position): BatchOutcome => ({
    position,
    line: jobs[position]!.line,
    prompt: requests[position]!.prompt,
    status: 'not-started',
    images: [],
    error: undefined,
    warnings: [],
  }));
  const limit = createLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const stop = new AbortController();
  let stoppedBy: PictorError | undefined;
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  await Promise.all(
    outcomes.map((outcome) =>
      limit(async () => {
        if (signal.aborted) return;
        const { position } = outcome;
        const job = jobs[position]!;
        const request = requests[position]!;
        const key = keys[position]!;
        if (options.skipExisting !== false) {
          const entry = await findCompleteEntry(dir, key, manifest);
          if (entry) {
            outcome.status = 'skipped';
            outcome.images = entry.images.map((image) => ({ ...image, path: join(dir, image.file) }));
            options.onEvent?.({ type: 'skipped', position, job, entry, outcome });
            return;
          }
        }
        try {
          const callOptions = { signal, ...(budget ? { budget } : {}) };
          const result = edit
            ? await client.edit({ ...request, images: edit.images, mask: edit.mask }, callOptions)
            : await client.generate(request, callOptions);
          const saved = await saveImages(result, dir, { fileName: job.fileName ?? options.fileName });
          outcome.images = saved.images;
          outcome.warnings = result.warnings;
          outcome.error = result.failures[0]?.error;
          outcome.status = outcome.error ? 'partial' : 'generated';
          options.onEvent?.({ type: 'saved', position, job, result, saved, outcome });
        } catch (error) {
          if (!PictorError.isInstance(error)) throw error;
          if (AbortError.isInstance(error) && signal.aborted) return;
          outcome.status = 'failed';
          outcome.error = error;
          if (stopsTheBatch(error) && !stoppedBy) {
            stoppedBy = error;
            stop.abort();
          }
          options.onEvent?.({ type: 'failed', position, job, error, outcome });
        }
      }),
    ),
  );
  return {
    ...reportOf(outcomes, options.signal?.aborted ?? false, join(dir, MANIFEST_FILE)),
    stoppedBy,
    shard,
    otherShards: jobs.length - outcomes.length,
  };
}

/** An edit's inputs read once: the bytes every prompt sends, and their descriptions for the manifest key. */
async function readEditInputs(edit: NonNullable<RunBatchOptions['edit']>) {
  const files = await readInputFiles(edit.images, edit.mask, nodeReadFile);
  const read = readInputImages(files.images, files.mask);
  const asInput = (input: InputImage): ImageInput =>
    input.kind === 'bytes' ? { bytes: input.bytes, name: input.name } : { url: input.url };
  return {
    images: read.images.map(asInput),
    mask: read.mask && asInput(read.mask),
    info: editKeyInputs(read),
  };
}

/**
 * Every job's request (a no-op for jobs `parseBatchFile` made) and every file-name pattern, validated before the
 * first call — a pattern that cannot make a file name would otherwise fail after the images were paid for. All
 * problems at once, by line.
 */
function validateJobs(jobs: BatchJob[], fileName: string | undefined): NormalizedRequest[] {
  const requests: NormalizedRequest[] = [];
  const issues: FieldIssue[] = [];
  const problem = fileName === undefined ? undefined : fileNamePatternProblem(fileName);
  if (problem) issues.push({ field: 'fileName', message: problem });
  for (const job of jobs) {
    const jobProblem = job.fileName === undefined ? undefined : fileNamePatternProblem(job.fileName);
    if (jobProblem) issues.push({ field: `line ${job.line}.fileName`, message: jobProblem });
    try {
      requests.push(normalizeRequest(job.request));
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      for (const issue of error.issues)
        issues.push({ field: `line ${job.line}.${issue.field}`, message: issue.message });
    }
  }
  if (issues.length) throw new ValidationError(issues, 'batch');
  return requests;
}

function reportOf(
  outcomes: BatchOutcome[],
  aborted: boolean,
  manifestPath: string,
): Omit<BatchReport, 'shard' | 'otherShards' | 'stoppedBy'> {
  const count = (...statuses: BatchOutcome['status'][]) => outcomes.filter((o) => statuses.includes(o.status)).length;
  return {
    total: outcomes.length,
    generated: count('generated'),
    skipped: count('skipped'),
    failed: count('failed', 'partial'),
    notStarted: count('not-started'),
    aborted,
    outcomes,
    files: outcomes.flatMap((o) => o.images.map((image) => image.path)),
    failures: outcomes.flatMap((o) =>
      o.error ? [{ position: o.position, line: o.line, prompt: o.prompt, error: o.error }] : [],
    ),
    manifestPath,
  };
}
