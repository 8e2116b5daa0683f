import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, readManifest, type Manifest } from '@pictor/core/storage';

/** An image as a folder holds it: where, which generation and index, and a hash of its bytes as read now. */
export interface FolderImage {
  file: string;
  key: string;
  index: number;
  seed: number | undefined;
  sha256: string;
  mtimeMs: number;
}

export interface FolderState {
  manifest: Manifest;
  images: FolderImage[];
  /** Generations recorded complete (no failures). */
  completeKeys: string[];
  /** Problems found: a manifest file missing or different from its record, a stray or temporary file. */
  problems: string[];
}

/**
 * Checks that a folder's manifest matches its files: each recorded image exists with the recorded size and
 * sha256, and there is no file the manifest does not know (no temporary file, no orphan image). The manifest is
 * read with core's own reader.
 */
export async function checkFolder(dir: string, allowed: string[] = []): Promise<FolderState> {
  const manifest = await readManifest(dir);
  const problems: string[] = [];
  const images: FolderImage[] = [];
  const known = new Set([MANIFEST_FILE, ...allowed]);
  for (const entry of manifest.entries) {
    for (const image of entry.images) {
      known.add(image.file);
      const path = join(dir, image.file);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch {
        problems.push(`${image.file}: in the manifest, missing on disk`);
        continue;
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (bytes.length !== image.bytes)
        problems.push(`${image.file}: ${bytes.length} bytes on disk, ${image.bytes} recorded`);
      if (sha256 !== image.sha256) problems.push(`${image.file}: sha256 differs from the manifest`);
      images.push({
        file: image.file,
        key: entry.key,
        index: image.index,
        seed: image.seed,
        sha256,
        mtimeMs: (await stat(path)).mtimeMs,
      });
    }
  }
  for (const name of await readdir(dir)) {
    if (name.endsWith('.tmp')) problems.push(`${name}: a temporary file was left behind`);
    else if (!known.has(name)) problems.push(`${name}: on disk, not in the manifest`);
  }
  const completeKeys = manifest.entries.filter((e) => !e.failures?.length && e.images.length > 0).map((e) => e.key);
  return { manifest, images, completeKeys, problems };
}

/** `key#index → sha256` of a folder's images. */
export function hashesByImage(state: FolderState): Map<string, string> {
  return new Map(state.images.map((i) => [`${i.key}#${i.index}`, i.sha256]));
}
