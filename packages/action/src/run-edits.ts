import {
  AbortError,
  normalizeRequest,
  PictorError,
  ValidationError,
  type FieldIssue,
  type PictorClient,
} from '@pictor/core';
import type { BatchEvent, BatchJob, BatchOutcome, BatchReport, ManifestWarning } from '@pictor/core/batch';
import { MANIFEST_FILE, readManifest, saveImages } from '@pictor/core/storage';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EditInputs } from './edit-inputs.js';
import { createEditRecorder, editKey, editModel, findCompleteEdit } from './edit-manifest.js';

export interface RunEditsOptions {
  client: PictorClient;
  jobs: BatchJob[];
  inputs: EditInputs;
  outDir: string;
  skipExisting: boolean;
  fileName: string | undefined;
  signal: AbortSignal;
  onEvent: (event: BatchEvent) => void;
  onWarning: (warning: ManifestWarning) => void;
}

/** Prompts edited at once, as core's batch runs generations. */
const CONCURRENCY = 2;
/**
 * Core's `{key}` leaves the inputs out, so an edit's default name differs from a generation's of the same prompt
 * and settings: core rewrites the files its own key owns, and would otherwise overwrite that generation's.
 */
const EDIT_FILE_NAME = '{slug}-{key}-edit-{index}';

/** Core's field names for an edit's inputs → what the user wrote, so an error names the input and the file. */
function toInputError(error: ValidationError, inputs: EditInputs): ValidationError {
  const issues = error.issues.map((issue): FieldIssue => {
    const image = /^images\.(\d+)$/.exec(issue.field);
    if (image) {
      const display = inputs.images[Number(image[1])]?.display ?? issue.field;
      return { field: 'input-images', message: `${JSON.stringify(display)} ${issue.message}` };
    }
    // `mask` and `model` keep their names: there is one mask, and the message is the model's rule.
    if (issue.field === 'images') return { field: 'input-images', message: issue.message };
    return issue;
  });
  return new ValidationError(issues, 'edit');
}

/**
 * The edit counterpart of core's `runBatch`, with the same report and events: every prompt edits the same input
 * images into `outDir`. Resume is keyed by the inputs too (`editKey`): a prompt whose edit of these very images the
 * manifest holds, files intact, is skipped; a changed input image is edited again. Images are saved atomically by
 * core as each prompt completes; the manifest entry adds the inputs by hash, never their bytes.
 */
export async function runEdits(options: RunEditsOptions): Promise<BatchReport> {
  const { client, jobs, inputs, signal } = options;
  const dir = resolve(options.outDir);
  await mkdir(dir, { recursive: true });
  const manifest = await readManifest(dir, { onWarning: options.onWarning });
  const record = createEditRecorder(dir);
  const images = inputs.images.map(({ bytes, name }) => ({ bytes, name }));
  const mask = inputs.mask ? { bytes: inputs.mask.bytes, name: inputs.mask.name } : undefined;

  const outcomes = jobs.map((job, position): BatchOutcome => ({
    position,
    line: job.line,
    prompt: normalizeRequest(job.request).prompt,
    status: 'not-started',
    images: [],
    error: undefined,
    warnings: [],
  }));

  async function editOne(position: number): Promise<void> {
    const job = jobs[position]!;
    const outcome = outcomes[position]!;
    const request = normalizeRequest(job.request);
    const key = editKey(client.provider, editModel(job, client.defaultEditModel), request, inputs);
    if (options.skipExisting) {
      const entry = await findCompleteEdit(dir, key, manifest);
      if (entry) {
        outcome.status = 'skipped';
        outcome.images = entry.images.map((image) => ({ ...image, path: join(dir, image.file) }));
        options.onEvent({ type: 'skipped', position, job, entry, outcome });
        return;
      }
    }
    try {
      const result = await client
        .edit({ ...request, images, ...(mask ? { mask } : {}) }, { signal })
        .catch((error: unknown) => {
          throw ValidationError.isInstance(error) ? toInputError(error, inputs) : error;
        });
      const saved = await saveImages(result, dir, {
        fileName: job.fileName ?? options.fileName ?? EDIT_FILE_NAME,
        manifest: false,
      });
      await record({
        ...saved.entry,
        key,
        operation: 'edit',
        inputs: result.inputs ?? [],
        ...(result.mask ? { mask: result.mask } : {}),
      });
      outcome.images = saved.images;
      outcome.warnings = result.warnings;
      outcome.error = result.failures[0]?.error;
      outcome.status = outcome.error ? 'partial' : 'generated';
      const reported = { ...saved, key, manifestPath: join(dir, MANIFEST_FILE) };
      options.onEvent({ type: 'saved', position, job, result, saved: reported, outcome });
    } catch (error) {
      if (!PictorError.isInstance(error)) throw error;
      if (AbortError.isInstance(error) && signal.aborted) return;
      outcome.status = 'failed';
      outcome.error = error;
      options.onEvent({ type: 'failed', position, job, error, outcome });
    }
  }

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal.aborted) await editOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));

  const count = (...statuses: BatchOutcome['status'][]) => outcomes.filter((o) => statuses.includes(o.status)).length;
  return {
    total: outcomes.length,
    generated: count('generated'),
    skipped: count('skipped'),
    failed: count('failed', 'partial'),
    notStarted: count('not-started'),
    aborted: signal.aborted,
    outcomes,
    files: outcomes.flatMap((o) => o.images.map((image) => image.path)),
    failures: outcomes.flatMap((o) =>
      o.error ? [{ position: o.position, line: o.line, prompt: o.prompt, error: o.error }] : [],
    ),
    manifestPath: join(dir, MANIFEST_FILE),
  };
}
