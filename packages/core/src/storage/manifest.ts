import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PictorError } from '../errors/index.js';
import type { NormalizedRequest } from '../request/image-request.js';
import { writeFileAtomic } from './write-file-atomic.js';

export const MANIFEST_FILE = 'manifest.json';

/** One saved image, as the manifest records it. */
export interface ManifestImage {
  /** File name relative to the manifest's folder. */
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

/** The key of a request in a manifest: sha256 of its canonical JSON with the provider and model. */
export function requestKey(provider: string, model: string, request: NormalizedRequest): string {
  const text = JSON.stringify(canonical({ provider, model, request: { ...request, model } }));
  return createHash('sha256').update(text).digest('hex');
}

/** Reads a folder's manifest; an absent one is empty. A corrupt one is an error (it is never overwritten blindly). */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, generator: 'pictor', entries: [] };
    throw error;
  }
  try {
    const json = JSON.parse(text) as Manifest;
    if (json.version !== 1 || !Array.isArray(json.entries)) throw new Error('unknown manifest version');
    return json;
  } catch (error) {
    throw new PictorError(`${path} is not a Pictor manifest (${(error as Error).message}); move it away to start afresh`);
  }
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Applies a change to a folder's manifest and writes it atomically. Changes to one folder are applied one at a
 * time within this process, so concurrent saves never lose an entry.
 */
export function updateManifest(dir: string, change: (manifest: Manifest) => void): Promise<Manifest> {
  const previous = queues.get(dir) ?? Promise.resolve();
  const next = previous
    .catch(() => {})
    .then(async () => {
      const manifest = await readManifest(dir);
      change(manifest);
      await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      return manifest;
    });
  queues.set(dir, next);
  void next.finally(() => {
    if (queues.get(dir) === next) queues.delete(dir);
  }).catch(() => {});
  return next;
}

/**
 * Whether the manifest already holds a complete generation for this key, with every file still present at its
 * recorded size. Returns the entry when it does.
 */
export async function findCompleteEntry(dir: string, key: string, manifest?: Manifest): Promise<ManifestEntry | undefined> {
  const m = manifest ?? (await readManifest(dir));
  const entry = m.entries.find((e) => e.key === key);
  if (!entry || (entry.failures && entry.failures.length > 0) || entry.images.length === 0) return undefined;
  for (const image of entry.images) {
    try {
      const info = await stat(join(dir, image.file));
      if (info.size !== image.bytes) return undefined;
    } catch {
      return undefined;
    }
  }
  return entry;
}
