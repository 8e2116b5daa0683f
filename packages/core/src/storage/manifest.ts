import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/v4/mini';
import { PictorError } from '../errors/index.js';
import type { NormalizedRequest } from '../request/image-request.js';
import type { InputImageInfo } from '../request/edit-request.js';
import { matchesRecord } from './folder-file.js';
import { withManifestLock } from './manifest-lock.js';
import { isPlainFileName, manifestSchema } from './manifest-schema.js';
import { writeFileAtomic } from './write-file-atomic.js';

export const MANIFEST_FILE = 'manifest.json';

/** One saved image, as the manifest records it. */
export interface ManifestImage {
  /** File name inside the manifest's folder: a plain name, never a path. */
  file: string;
  index: number;
  seed?: number;
  sha256: string;
  mediaType: string;
  width: number;
  height: number;
  bytes: number;
  url?: string;
  revisedPrompt?: string;
  /** This image's share of its call's cost, in USD, and how it was known. */
  cost?: { usd: number | null; basis: 'usage' | 'estimate' | 'unknown' };
  /** This image's share of the usage its call reported. */
  usage?: Record<string, unknown>;
  /** The file carries C2PA content credentials, saved byte for byte. */
  contentCredentials?: true;
}

/** One generation (one request) in a folder. */
export interface ManifestEntry {
  /** Stable hash of provider, model and request: the same request always has the same key. */
  key: string;
  prompt: string;
  provider: string;
  model: string;
  /** The request's parameters (everything but the prompt). */
  parameters: Record<string, unknown>;
  createdAt: string;
  images: ManifestImage[];
  /** Images that could not be produced, by index. */
  failures?: Array<{ index: number; error: string }>;
  /** `edit` for an edit (absent: a generation). */
  operation?: 'edit';
  /** An edit's input images and mask, by hash (or URL): never their bytes. */
  inputs?: InputImageInfo[];
  mask?: InputImageInfo;
  /** What the generation cost, in USD (null: unknown), and how it was known. */
  cost?: { usd: number | null; basis: 'usage' | 'estimate' | 'unknown' };
  /** The usage the provider reported, summed over calls. */
  usage?: Record<string, unknown>;
}

export interface Manifest {
  version: 1;
  generator: 'pictor';
  entries: ManifestEntry[];
}

const ASCII_ALNUM = /^[A-Za-z0-9]*$/;

/**
 * `a.localeCompare(b)` as the keys have always been sorted (the default collation, English on runners), without
 * its cost: the first localeCompare loads ICU's collator, some 10 ms of the Action's cold start. For ASCII letters and
 * digits that collation compares case-insensitively, digits first, then lowercase first at the first difference
 * in case: the same order, so the same keys. Any other key still goes through localeCompare.
 */
function compareKeys(a: string, b: string): number {
  if (!ASCII_ALNUM.test(a) || !ASCII_ALNUM.test(b)) return a.localeCompare(b);
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] === lowerA[i] ? -1 : 1;
  }
  return 0;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => compareKeys(a, b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * The key of a request in a manifest: sha256 of its canonical JSON with the provider and model. An edit's key also
 * holds its inputs (and mask) by hash or URL, so a changed input image is a new key and an edit is never taken
 * for a generation of the same prompt. Streaming settings are left out.
 */
export function requestKey(
  provider: string,
  model: string,
  request: NormalizedRequest,
  edit?: { inputs: readonly InputImageInfo[]; mask?: InputImageInfo | undefined },
): string {
  const inputs = edit && {
    operation: 'edit',
    inputs: edit.inputs.map((i) => i.sha256 ?? i.url),
    mask: edit.mask && (edit.mask.sha256 ?? edit.mask.url),
  };
  // Streaming changes how the images arrive, not which images: a streamed run resumes a plain one and back.
  const { stream: _stream, partialImages: _partials, ...settings } = request;
  const text = JSON.stringify(canonical({ provider, model, request: { ...settings, model }, ...inputs }));
  return createHash('sha256').update(text).digest('hex');
}

/** An entry `readManifest` left out, for the caller to show once. */
export interface ManifestWarning {
  type: 'unsafe-manifest-entry';
  /** The entry's key. */
  key: string;
  /** The offending `file`, as the manifest holds it (untrusted text: strip controls before printing it). */
  file: string;
  message: string;
}

export interface ReadManifestOptions {
  /** Told once per entry left out because a file of it is not a plain name inside the folder. */
  onWarning?: (warning: ManifestWarning) => void;
}

const EMPTY: Manifest = { version: 1, generator: 'pictor', entries: [] };

/** The manifest file as written, checked against the schema; every entry kept. */
async function readManifestFile(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
    throw error;
  }
  let problem: string;
  try {
    const parsed = z.safeParse(manifestSchema, JSON.parse(text));
    if (parsed.success) return { ...parsed.data, generator: 'pictor' } as Manifest;
    problem = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .slice(0, 5)
      .join('; ');
  } catch (error) {
    problem = (error as Error).message;
  }
  throw new PictorError(`${path} is not a Pictor manifest (${problem}); move it away to start afresh`);
}

/**
 * Reads a folder's manifest; an absent one is empty. One that breaks the schema is an error naming the field (it
 * is never overwritten blindly). An entry with a `file` that is not a plain name inside the folder (`../x`, an
 * absolute path) is left out and told to `onWarning`: nothing Pictor does follows such a path.
 */
export async function readManifest(dir: string, options: ReadManifestOptions = {}): Promise<Manifest> {
  const manifest = await readManifestFile(dir);
  const entries: ManifestEntry[] = [];
  for (const entry of manifest.entries) {
    const unsafe = entry.images.find((image) => !isPlainFileName(image.file));
    if (!unsafe) entries.push(entry);
    else {
      options.onWarning?.({
        type: 'unsafe-manifest-entry',
        key: entry.key,
        file: unsafe.file,
        message: `ignored the manifest entry ${entry.key.slice(0, 16)}: its file ${JSON.stringify(unsafe.file)} is not a plain file name inside the folder`,
      });
    }
  }
  return { ...manifest, entries };
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Applies a change to a folder's manifest and writes it atomically. Changes to one folder are applied one at a
 * time within this process, and under the folder's lock (`withManifestLock`) across processes and machines, so
 * concurrent saves never lose an entry.
 */
export function updateManifest(dir: string, change: (manifest: Manifest) => void): Promise<Manifest> {
  const previous = queues.get(dir) ?? Promise.resolve();
  const next = previous
    .catch(() => {})
    .then(() =>
      withManifestLock(dir, async () => {
        // Every entry, unsafe ones too: they are data here, never followed, and a save does not silently drop them.
        const manifest = await readManifestFile(dir);
        change(manifest);
        await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
        return manifest;
      }),
    );
  queues.set(dir, next);
  void next
    .finally(() => {
      if (queues.get(dir) === next) queues.delete(dir);
    })
    .catch(() => {});
  return next;
}

/**
 * Whether the manifest already holds a complete generation for this key, with every file still in the folder at
 * its recorded size and sha256. Returns the entry when it does.
 */
export async function findCompleteEntry(
  dir: string,
  key: string,
  manifest?: Manifest,
): Promise<ManifestEntry | undefined> {
  const m = manifest ?? (await readManifest(dir));
  const entry = m.entries.find((e) => e.key === key);
  if (!entry || (entry.failures && entry.failures.length > 0) || entry.images.length === 0) return undefined;
  for (const image of entry.images) {
    if (!(await matchesRecord(dir, image))) return undefined;
  }
  return entry;
}
