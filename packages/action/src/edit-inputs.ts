import { sniffMediaType, type FieldIssue } from '@pictor/core';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { resolveImageFiles, type ImageFile } from './input-images.js';

/** An input of the edit, read once for every prompt: its bytes, hash (part of the manifest key) and name. */
export interface EditInput {
  bytes: Uint8Array;
  /** The file name sent with the bytes. */
  name: string;
  sha256: string;
  /** How the log, the summary and errors name it. */
  display: string;
}

/** The images every prompt edits, and the optional mask. */
export interface EditInputs {
  images: EditInput[];
  mask: EditInput | undefined;
}

/** Most input images an edit takes (core's limit; GPT image models): more is refused before any file is read. */
const MAX_IMAGES = 16;
/** Largest input file read (the largest any model takes: OpenAI's 50 MB); the model's own limit is core's. */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

async function readInput(input: string, file: ImageFile, issues: FieldIssue[]): Promise<EditInput | undefined> {
  try {
    const { size } = await stat(file.path);
    if (size > MAX_FILE_BYTES) {
      issues.push({ field: input, message: `${JSON.stringify(file.display)} is larger than ${MAX_FILE_BYTES} bytes` });
      return undefined;
    }
    const bytes = await readFile(file.path);
    // Which types a model takes is core's to say, per model; a file that is no image at all is refused here, once.
    if (!sniffMediaType(bytes)) {
      issues.push({ field: input, message: `${JSON.stringify(file.display)} is not an image (png, jpeg or webp)` });
      return undefined;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { bytes, name: basename(file.path), sha256, display: file.display };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    issues.push({ field: input, message: `cannot read ${JSON.stringify(file.display)} (${code})` });
    return undefined;
  }
}

/**
 * `input-images` and `mask`, resolved inside the workspace and read: undefined when `input-images` is empty (a
 * generation). Every problem is an issue naming the input, found before any request.
 */
export async function readEditInputs(
  imagesText: string | undefined,
  maskText: string | undefined,
  issues: FieldIssue[],
): Promise<EditInputs | undefined> {
  if (!imagesText?.trim()) {
    if (maskText) issues.push({ field: 'mask', message: 'needs input-images (the images it applies to)' });
    return undefined;
  }
  const before = issues.length;
  const files = await resolveImageFiles('input-images', imagesText, issues);
  if (!files.length && issues.length === before) issues.push({ field: 'input-images', message: 'names no file' });
  const maskFiles = maskText ? await resolveImageFiles('mask', maskText, issues) : [];
  if (files.length > MAX_IMAGES) {
    issues.push({
      field: 'input-images',
      message: `names ${files.length} files; an edit takes at most ${MAX_IMAGES} (the first is the one edited)`,
    });
    return undefined;
  }
  if (maskFiles.length > 1) {
    issues.push({ field: 'mask', message: `must name one file; it names ${maskFiles.length}` });
    return undefined;
  }
  if (!files.length) return undefined;
  const images = await Promise.all(files.map((file) => readInput('input-images', file, issues)));
  const mask = maskFiles[0] ? await readInput('mask', maskFiles[0], issues) : undefined;
  if (images.some((image) => !image)) return undefined;
  return { images: images as EditInput[], mask };
}
