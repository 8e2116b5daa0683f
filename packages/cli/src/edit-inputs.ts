import type { ImageInput } from '@pictor/core';
import { UsageError } from './usage-error.js';

/** The images and prompt of `pictor edit <image>... <prompt>`, and how to name each image in an error. */
export interface EditInputs {
  prompt: string;
  images: ImageInput[];
  /** `images.1` → `image 2 (b.png)`, `mask` → `--mask m.png`: what the user typed, for validation errors. */
  fields: Record<string, string>;
}

/** An http(s) URL is sent as a URL (core fetches it); anything else is a local file core reads. */
export function imageInput(arg: string): ImageInput {
  return /^https?:\/\//i.test(arg) ? { url: arg } : { path: arg };
}

/** Splits the positionals: the last is the prompt, the ones before are the images. */
export function editInputs(args: readonly string[], mask: string | undefined): EditInputs {
  const prompt = args.at(-1);
  const images = args.slice(0, -1);
  if (prompt === undefined || images.length === 0)
    throw new UsageError('edit needs at least one image and a prompt: pictor edit <image>... "<prompt>"');
  const fields: Record<string, string> = Object.fromEntries(
    images.map((arg, i) => [`images.${i}`, `image ${i + 1} (${arg})`]),
  );
  if (mask !== undefined) fields.mask = `--mask ${mask}`;
  return { prompt, images: images.map(imageInput), fields };
}
