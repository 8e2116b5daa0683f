import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_FILE_NAME, formatFileName } from '../images/file-name.js';
import type { GenerateResult } from '../client/generate-images.js';
import { claimFileName } from './claim-file-name.js';
import {
  MANIFEST_FILE,
  readManifest,
  requestKey,
  updateManifest,
  type ManifestEntry,
  type ManifestImage,
} from './manifest.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface SaveOptions {
  /** File-name pattern without extension (see `formatFileName`). Default `{slug}-{key}-{index}`. */
  fileName?: string;
  /** Record the generation in the folder's `manifest.json`. Default true. */
  manifest?: boolean;
}

export interface SavedImage extends ManifestImage {
  /** Absolute path of the written file. */
  path: string;
}

export interface SaveResult {
  dir: string;
  /** The request's key in the manifest. */
  key: string;
  images: SavedImage[];
  /** Absolute path of the manifest, when one was written. */
  manifestPath: string | undefined;
  entry: ManifestEntry;
}

/**
 * Writes each image of a result atomically (temporary file, then rename) with the extension of its sniffed
 * media type, then records the generation in `manifest.json` (also atomically): prompt, model, provider,
 * parameters, cost and usage, an edit's inputs by hash, and per image its file, seed, sha256, media type, size and
 * share of the cost. Failed images are listed by index.
 */
export async function saveImages(result: GenerateResult, dir: string, options: SaveOptions = {}): Promise<SaveResult> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const edit = result.operation === 'edit' ? { inputs: result.inputs ?? [], mask: result.mask } : undefined;
  const key = requestKey(result.provider, result.model, result.request, edit);
  const pattern = options.fileName ?? DEFAULT_FILE_NAME;
  const images: SavedImage[] = [];
  // Names this request already holds may be rewritten; any other existing file is never overwritten.
  const owned = new Set(
    (await readManifest(folder).catch(() => ({ entries: [] as ManifestEntry[] }))).entries
      .filter((e) => e.key === key)
      .flatMap((e) => e.images.map((i) => i.file)),
  );
  for (const image of result.images) {
    const stem = formatFileName(pattern, {
      prompt: result.prompt,
      index: image.index,
      seed: image.seed,
      model: result.model,
      key,
      sha256: image.sha256,
    });
    const file = await claimFileName(folder, stem, image.extension, owned);
    const path = join(folder, file);
    await writeFileAtomic(path, image.bytes);
    images.push({
      path,
      file,
      index: image.index,
      ...(image.seed === undefined ? {} : { seed: image.seed }),
      sha256: image.sha256,
      mediaType: image.mediaType,
      width: image.width,
      height: image.height,
      bytes: image.bytes.length,
      ...(image.url ? { url: image.url } : {}),
      ...(image.revisedPrompt ? { revisedPrompt: image.revisedPrompt } : {}),
      ...(image.cost ? { cost: { usd: image.cost.usd ?? null, basis: image.cost.basis } } : {}),
      ...(image.usage ? { usage: image.usage } : {}),
      ...(image.contentCredentials ? { contentCredentials: true } : {}),
    });
  }
  const { prompt, ...parameters } = result.request;
  const entry: ManifestEntry = {
    key,
    prompt,
    provider: result.provider,
    model: result.model,
    parameters: { ...parameters, model: result.model },
    createdAt: new Date().toISOString(),
    images: images.map(({ path: _path, ...rest }) => rest),
    ...(result.failures.length
      ? { failures: result.failures.map((f) => ({ index: f.index, error: f.error.message })) }
      : {}),
    ...(edit ? { operation: 'edit' as const, inputs: edit.inputs, ...(edit.mask ? { mask: edit.mask } : {}) } : {}),
    ...(result.cost ? { cost: { usd: result.cost.usd ?? null, basis: result.cost.basis } } : {}),
    ...(result.usage ? { usage: result.usage } : {}),
  };
  let manifestPath: string | undefined;
  if (options.manifest !== false) {
    await updateManifest(folder, (m) => {
      m.entries = m.entries.filter((e) => e.key !== key);
      m.entries.push(entry);
    });
    manifestPath = join(folder, MANIFEST_FILE);
  }
  return { dir: folder, key, images, manifestPath, entry };
}
