import { normalizeRequest, type InputImageInfo, type NormalizedRequest } from '@pictor/core';
import {
  MANIFEST_FILE,
  readFolderFile,
  readManifest,
  statFolderFile,
  writeFileAtomic,
  type Manifest,
  type ManifestEntry,
} from '@pictor/core/storage';
import type { BatchJob } from '@pictor/core/batch';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EditInputs } from './edit-inputs.js';

/** A manifest entry of an edit: a generation's entry plus its inputs, by hash (loose fields the schema keeps). */
export interface EditManifestEntry extends ManifestEntry {
  operation: 'edit';
  inputs: InputImageInfo[];
  mask?: InputImageInfo;
}

/** `value` with object keys sorted at every depth, so the same request always hashes alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * The manifest key of an edit: the hash of the provider, the model, the request and the inputs' and mask's
 * sha256, so a changed input image is a new key. Core's generation key leaves the inputs out (the request never
 * holds them), and an edit must never be taken for a generation of the same prompt.
 */
export function editKey(provider: string, model: string, request: NormalizedRequest, inputs: EditInputs): string {
  const text = JSON.stringify(
    canonical({
      operation: 'edit',
      provider,
      model,
      request: { ...request, model },
      inputs: inputs.images.map((image) => image.sha256),
      mask: inputs.mask?.sha256,
    }),
  );
  return createHash('sha256').update(text).digest('hex');
}

/** The model a job's edit is keyed under: the request's, or the client's default for edits. */
export function editModel(job: BatchJob, defaultModel: string | undefined): string {
  return normalizeRequest(job.request).model ?? defaultModel ?? '';
}

async function fileMatches(dir: string, image: { file: string; bytes: number; sha256: string }): Promise<boolean> {
  const info = await statFolderFile(dir, image.file);
  if (!info || info.size !== image.bytes) return false;
  const bytes = await readFolderFile(dir, image.file);
  return bytes !== undefined && createHash('sha256').update(bytes).digest('hex') === image.sha256;
}

/**
 * The manifest's complete record of this edit, when every file is still in the folder with its recorded size and
 * sha256 (as core's resume checks a generation); undefined otherwise.
 */
export async function findCompleteEdit(
  dir: string,
  key: string,
  manifest: Manifest,
): Promise<ManifestEntry | undefined> {
  const entry = manifest.entries.find((e) => e.key === key);
  if (!entry || entry.failures?.length || entry.images.length === 0) return undefined;
  for (const image of entry.images) if (!(await fileMatches(dir, image))) return undefined;
  return entry;
}

/**
 * Records edits in a folder's manifest, one write at a time (atomic, as core writes it): the entry of the same
 * key is replaced, every other entry kept as written — entries `readManifest` leaves out too, since they are data
 * here and a save must not drop them. The manifest is checked against core's schema before each write.
 */
export function createEditRecorder(dir: string): (entry: EditManifestEntry) => Promise<void> {
  let queue: Promise<unknown> = Promise.resolve();
  return (entry) => {
    const next = queue
      .catch(() => {})
      .then(async () => {
        await readManifest(dir);
        const path = join(dir, MANIFEST_FILE);
        const manifest = await readFile(path, 'utf8').then(
          (text) => JSON.parse(text) as Manifest,
          (error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT') return { version: 1, generator: 'pictor', entries: [] } as Manifest;
            throw error;
          },
        );
        manifest.entries = manifest.entries.filter((e) => e.key !== entry.key);
        manifest.entries.push(entry);
        await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
      });
    queue = next;
    return next;
  };
}
