import { ValidationError, type FieldIssue } from '../errors/index.js';
import { normalizeRequest, type ImageRequest, type NormalizedRequest } from './image-request.js';

/**
 * An input image of an edit: bytes (a `Buffer` is a `Uint8Array`), bytes with a file name, a URL (`http(s):` or
 * `data:`), or, on the Node entry, a local file.
 */
export type ImageInput = Uint8Array | { bytes: Uint8Array; name?: string } | { url: string } | { path: string };

/** A generation request plus the images to edit and an optional mask. */
export interface EditRequest extends ImageRequest {
  /** The images to edit, in order (the first is the one a mask applies to). */
  images: ImageInput[];
  /** OpenAI: a PNG whose fully transparent areas say where to edit, the size of the first image. */
  mask?: ImageInput | undefined;
}

/** An input checked and described: bytes (sniffed, measured, hashed) or a URL left for the provider to fetch. */
export type InputImage =
  | {
      kind: 'bytes';
      bytes: Uint8Array;
      /** The file name sent with the bytes (multipart). */
      name: string;
      mediaType: string;
      width: number;
      height: number;
      sha256: string;
    }
  | { kind: 'url'; url: string };

/** What a result says of an input: bytes by their description and hash, a URL by itself. Never the bytes. */
export interface InputImageInfo {
  index: number;
  mediaType?: string;
  byteLength?: number;
  width?: number;
  height?: number;
  sha256?: string;
  url?: string;
}

export function inputImageInfo(input: InputImage, index: number): InputImageInfo {
  if (input.kind === 'url') return { index, url: input.url.startsWith('data:') ? 'data:…' : input.url };
  const { mediaType, width, height, sha256 } = input;
  return { index, mediaType, byteLength: input.bytes.byteLength, width, height, sha256 };
}

/** The parts of an edit request: its settings, validated as a generation's, and its inputs, unread. */
export interface SplitEditRequest {
  request: NormalizedRequest;
  images: ImageInput[];
  mask: ImageInput | undefined;
}

const MAX_INPUTS = 16;

/** Why an input is not one of the accepted shapes, or undefined. */
function shapeProblem(value: unknown): string | undefined {
  if (value instanceof Uint8Array) return value.byteLength === 0 ? 'is empty' : undefined;
  if (typeof value !== 'object' || value === null) return 'must be bytes, { bytes }, { url } or { path }';
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  const one = (key: string, allowed: string[]) =>
    keys.includes(key) && keys.every((k) => allowed.includes(k)) ? (value as Record<string, unknown>)[key] : undefined;
  const bytes = one('bytes', ['bytes', 'name']);
  if (bytes !== undefined) {
    if (!(bytes instanceof Uint8Array)) return 'bytes must be a Uint8Array';
    const name = (value as { name?: unknown }).name;
    if (name !== undefined && typeof name !== 'string') return 'name must be a string';
    return bytes.byteLength === 0 ? 'is empty' : undefined;
  }
  const url = one('url', ['url']);
  if (url !== undefined) {
    if (typeof url !== 'string' || !/^(https?:\/\/|data:)/i.test(url)) return 'url must be an http(s) or data: URL';
    return undefined;
  }
  const path = one('path', ['path']);
  if (path !== undefined) return typeof path === 'string' && path.length > 0 ? undefined : 'path must be a string';
  return 'must be bytes, { bytes, name? }, { url } or { path }';
}

/**
 * Validates an edit request's shape before anything is read or sent: the settings as a generation's (naming each
 * bad field), then the inputs (1–16 of the accepted shapes, naming `images.<i>` or `mask`). The inputs' contents
 * and the model's own limits are checked later, once they are read.
 */
export function splitEditRequest(input: unknown): SplitEditRequest {
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError([{ field: '(root)', message: 'must be an object' }]);
  }
  const { images, mask, ...settings } = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  if (!Array.isArray(images) || images.length === 0) {
    issues.push({ field: 'images', message: 'must list at least one image' });
  } else if (images.length > MAX_INPUTS) {
    issues.push({ field: 'images', message: `takes at most ${MAX_INPUTS} images; got ${images.length}` });
  } else {
    images.forEach((image, i) => {
      const problem = shapeProblem(image);
      if (problem) issues.push({ field: `images.${i}`, message: problem });
    });
  }
  if (mask !== undefined) {
    const problem = shapeProblem(mask);
    if (problem) issues.push({ field: 'mask', message: problem });
  }
  for (const field of ['imageUrl', 'referenceImages'] as const) {
    if (settings[field] !== undefined) {
      issues.push({ field, message: 'an edit takes its input images in images, not here' });
    }
  }
  let request: NormalizedRequest | undefined;
  try {
    request = normalizeRequest(settings);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    issues.push(...error.issues);
  }
  if (issues.length || !request) throw new ValidationError(issues);
  return { request, images: images as ImageInput[], mask: mask as ImageInput | undefined };
}
