import { describeImage, type PartialImage } from '@pictor/core';
import { MANIFEST_FILE, readManifest, writeFileAtomic, type SaveResult } from '@pictor/core/storage';
import { open, readFile } from 'node:fs/promises';
import { join, parse } from 'node:path';

/** A preview written beside its final image. */
export interface KeptPartial {
  /** Which image of the result it previews (the final image's index). */
  index: number;
  /** 1-based preview number, as in the file name. */
  partial: number;
  path: string;
  file: string;
  sha256: string;
  mediaType: string;
  bytes: number;
}

/** How the manifest records a preview, under its final image's `partials`. */
type ManifestPartial = Omit<KeptPartial, 'path' | 'index'>;

/**
 * Before saving: the previews the folder's manifest already records, by final file name, so saving the same
 * request again may rewrite them (any other existing file is never overwritten).
 */
export async function recordedPartials(dir: string): Promise<Map<string, Set<string>>> {
  const owned = new Map<string, Set<string>>();
  const manifest = await readManifest(dir).catch(() => undefined);
  for (const entry of manifest?.entries ?? []) {
    for (const image of entry.images) {
      const partials = (image as { partials?: unknown }).partials;
      if (!Array.isArray(partials)) continue;
      const files = partials.flatMap((p) => (typeof (p as ManifestPartial)?.file === 'string' ? [p.file] : []));
      owned.set(image.file, new Set(files));
    }
  }
  return owned;
}

/** `<stem>.partial-<k>.<ext>` beside `<stem>.<ext>`, or `-2`, `-3`, … when a file of someone else's has it. */
async function claimPartialName(dir: string, stem: string, owned: ReadonlySet<string>): Promise<string> {
  for (let n = 1; n <= 100; n++) {
    const file = n === 1 ? stem : stem.replace(/(\.[^.]+)$/, `-${n}$1`);
    if (owned.has(file)) return file;
    try {
      await (await open(join(dir, file), 'wx')).close();
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`No free file name for ${stem} in ${dir} after 100 tries`);
}

/**
 * Writes the previews of the saved images atomically, each named after its final image, and lists them in the
 * manifest entry under that image's `partials`. Previews of an image that failed have no final name: dropped.
 */
export async function keepPartials(
  saved: SaveResult,
  partials: readonly PartialImage[],
  owned: Map<string, Set<string>>,
): Promise<KeptPartial[]> {
  const kept: KeptPartial[] = [];
  for (const partial of partials) {
    const image = saved.images.find((i) => i.index === partial.index);
    if (!image) continue;
    const info = describeImage(partial.bytes);
    const k = partial.partialIndex + 1;
    const wanted = `${parse(image.file).name}.partial-${k}.${info.extension}`;
    const file = await claimPartialName(saved.dir, wanted, owned.get(image.file) ?? new Set());
    const path = join(saved.dir, file);
    await writeFileAtomic(path, partial.bytes);
    kept.push({
      index: partial.index,
      partial: k,
      path,
      file,
      sha256: info.sha256,
      mediaType: info.mediaType,
      bytes: partial.bytes.length,
    });
  }
  kept.sort((a, b) => a.index - b.index || a.partial - b.partial);
  if (kept.length && saved.manifestPath) await recordInManifest(saved, kept);
  return kept;
}

/**
 * Adds `partials` to the entry core just wrote. The file is read as plain JSON and only this entry changes, so
 * every other field and entry (even ones `readManifest` would leave out) is written back as it was.
 */
async function recordInManifest(saved: SaveResult, kept: KeptPartial[]): Promise<void> {
  const path = join(saved.dir, MANIFEST_FILE);
  const manifest = JSON.parse(await readFile(path, 'utf8')) as {
    entries: Array<{ key: string; images: Array<{ file: string; partials?: ManifestPartial[] }> }>;
  };
  const entry = manifest.entries.find((e) => e.key === saved.key);
  if (!entry) return;
  for (const image of entry.images) {
    const index = saved.images.find((s) => s.file === image.file)?.index;
    const own = kept.filter((p) => p.index === index);
    if (own.length) image.partials = own.map(({ path: _path, index: _index, ...rest }) => rest);
  }
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
