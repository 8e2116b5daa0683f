import {
  MANIFEST_FILE,
  readFolderFile,
  readManifest,
  statFolderFile,
  writeFileAtomic,
  type ManifestWarning,
} from '@pictor/core/storage';
import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../usage-error.js';
import { renderGallery, type GalleryCard } from './render-gallery.js';

export const GALLERY_FILE = 'index.html';

export interface GalleryOptions {
  /** Page title; default: the folder's name. */
  title?: string;
  /** Put the images in the page as data URIs, so the file can travel alone (bigger file). */
  embed?: boolean;
  /** Told of each manifest entry left out (a file that is not a plain name inside the folder). */
  onWarning?: (warning: ManifestWarning) => void;
}

export interface GalleryResult {
  path: string;
  images: number;
  /** Files the manifest lists that are not in the folder (or are not regular files there). */
  missing: string[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes `index.html` beside a folder's `manifest.json`: one card per image of the manifest, oldest first, with
 * its prompt, seed, model, size and file name. Images are linked by relative path (the page sits beside them),
 * or embedded with `embed`. Only regular files directly in the folder are linked or read: entries naming a path
 * elsewhere are left out (told to `onWarning`), and links count as missing.
 */
export async function writeGallery(dir: string, options: GalleryOptions = {}): Promise<GalleryResult> {
  const folder = resolve(dir);
  if (!(await exists(join(folder, MANIFEST_FILE)))) {
    throw new UsageError(
      `${dir} has no ${MANIFEST_FILE}: generate images into it first (pictor generate … --out ${dir})`,
    );
  }
  const manifest = await readManifest(folder, options.onWarning ? { onWarning: options.onWarning } : {});
  const cards: GalleryCard[] = [];
  const missing: string[] = [];
  for (const entry of manifest.entries) {
    for (const image of entry.images) {
      let src: string | undefined;
      if (options.embed) {
        const bytes = await readFolderFile(folder, image.file);
        if (bytes) src = `data:${image.mediaType};base64,${bytes.toString('base64')}`;
      } else if (await statFolderFile(folder, image.file)) {
        src = encodeURIComponent(image.file);
      }
      if (src === undefined) missing.push(image.file);
      cards.push({
        src,
        file: image.file,
        prompt: entry.prompt,
        seed: image.seed,
        model: entry.model,
        provider: entry.provider,
        width: image.width,
        height: image.height,
        createdAt: entry.createdAt,
      });
    }
  }
  const path = join(folder, GALLERY_FILE);
  await writeFileAtomic(path, renderGallery({ title: options.title ?? basename(folder), cards }));
  return { path, images: cards.length, missing };
}
