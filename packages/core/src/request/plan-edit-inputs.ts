import { ValidationError, type FieldIssue } from '../errors/index.js';
import type { InputImage } from './edit-request.js';
import type { EditCapabilities, ModelCapabilities, OptionalSetting } from './model-capabilities.js';
import type { ProviderPreset } from './providers.js';
import type { PictorWarning } from './warnings.js';

/** A file part of a multipart body. */
export interface UploadedFile {
  /** The form field: `image` for one input, `image[]` for several (as OpenAI's examples send them), `mask`. */
  field: 'image' | 'image[]' | 'mask';
  bytes: Uint8Array;
  name: string;
  mediaType: string;
}

/** How an edit's inputs go on the wire. */
export interface EditInputs {
  path: '/images/generations' | '/images/edits';
  /** The settings this edit accepts (OpenAI's edits endpoint lists its own). */
  accepts: ReadonlySet<OptionalSetting>;
  /** Wire fields carrying the inputs by URL: OpenAI's JSON `images`/`mask`, Together's `image_url`/`reference_images`. */
  fields: Record<string, unknown>;
  /** Inputs uploaded as bytes (OpenAI multipart). */
  files?: UploadedFile[] | undefined;
  /** OpenAI's JSON body takes only these sizes (its `size` is a closed enum there). */
  jsonSizes?: readonly string[] | undefined;
}

/** `image_url` in OpenAI's JSON body: "A fully qualified URL or base64-encoded data URL", at most this long. */
const MAX_JSON_URL_CHARS = 20_971_520;
const JSON_SIZES = ['1024x1024', '1536x1024', '1024x1536'];

function dataUrl(input: Extract<InputImage, { kind: 'bytes' }>): string {
  return `data:${input.mediaType};base64,${Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString('base64')}`;
}

function urlOf(input: InputImage): string {
  return input.kind === 'url' ? input.url : dataUrl(input);
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** Checks each input against the model's limits (type, bytes, shape, count) and the mask's. */
function checkInputs(
  model: string,
  edit: EditCapabilities,
  inputs: { images: InputImage[]; mask: InputImage | undefined },
  issues: FieldIssue[],
): void {
  if (inputs.images.length > edit.maxImages) {
    issues.push({ field: 'images', message: `${model} takes at most ${edit.maxImages}; got ${inputs.images.length}` });
  }
  inputs.images.forEach((input, i) => {
    if (input.kind !== 'bytes') return;
    const field = `images.${i}`;
    if (!edit.mediaTypes.includes(input.mediaType)) {
      issues.push({ field, message: `is ${input.mediaType}; ${model} takes ${edit.mediaTypes.join(', ')}` });
    }
    if (input.bytes.byteLength > edit.maxBytes) {
      issues.push({
        field,
        message: `is ${megabytes(input.bytes.byteLength)}; ${model} takes up to ${megabytes(edit.maxBytes)}`,
      });
    }
    if (edit.square && input.width !== input.height) {
      issues.push({ field, message: `is ${input.width}x${input.height}; ${model} takes square images only` });
    }
  });
  const mask = inputs.mask;
  if (!mask) return;
  if (!edit.mask) {
    issues.push({ field: 'mask', message: `${model} takes no mask` });
    return;
  }
  if (mask.kind !== 'bytes') return;
  if (mask.mediaType !== 'image/png') issues.push({ field: 'mask', message: `must be a PNG; got ${mask.mediaType}` });
  if (mask.bytes.byteLength > edit.mask.maxBytes) {
    issues.push({ field: 'mask', message: `must be under ${megabytes(edit.mask.maxBytes)}` });
  }
  const first = inputs.images[0];
  if (first?.kind === 'bytes' && (first.width !== mask.width || first.height !== mask.height)) {
    issues.push({
      field: 'mask',
      message: `is ${mask.width}x${mask.height}; it must be the size of the first image (${first.width}x${first.height})`,
    });
  }
}

/** OpenAI's `/images/edits`: multipart when every input is bytes, the JSON body (`images` by URL) otherwise. */
function openAIEdit(
  model: string,
  caps: ModelCapabilities,
  edit: EditCapabilities,
  inputs: { images: InputImage[]; mask: InputImage | undefined },
  issues: FieldIssue[],
): EditInputs {
  const accepts = edit.accepts ?? caps.accepts;
  const all = inputs.mask ? [...inputs.images, inputs.mask] : inputs.images;
  if (all.every((input) => input.kind === 'bytes')) {
    const field = inputs.images.length === 1 ? 'image' : 'image[]';
    const files: UploadedFile[] = inputs.images.map((input) => {
      const bytes = input as Extract<InputImage, { kind: 'bytes' }>;
      return { field, bytes: bytes.bytes, name: bytes.name, mediaType: bytes.mediaType };
    });
    if (inputs.mask?.kind === 'bytes') {
      const { bytes, name, mediaType } = inputs.mask;
      files.push({ field: 'mask', bytes, name, mediaType });
    }
    return { path: '/images/edits', accepts, fields: {}, files };
  }
  if (edit.bytesOnly) {
    all.forEach((input, i) => {
      if (input.kind === 'url') {
        const field = i < inputs.images.length ? `images.${i}` : 'mask';
        issues.push({ field, message: `${model} edits uploaded images only (give the bytes, not a URL)` });
      }
    });
  }
  const ref = (input: InputImage, field: string) => {
    const url = urlOf(input);
    if (url.length > MAX_JSON_URL_CHARS) {
      issues.push({ field, message: 'is too large to send by data: URL beside images given by URL (20 MB of text)' });
    }
    return { image_url: url };
  };
  const fields: Record<string, unknown> = { images: inputs.images.map((input, i) => ref(input, `images.${i}`)) };
  if (inputs.mask) fields.mask = ref(inputs.mask, 'mask');
  // The JSON body also takes `moderation`, which the multipart form does not.
  const jsonAccepts = new Set(accepts);
  if (caps.accepts.has('moderation')) jsonAccepts.add('moderation');
  return { path: '/images/edits', accepts: jsonAccepts, fields, jsonSizes: JSON_SIZES };
}

/** Together: `image_url` for one image where the model takes it, `reference_images` otherwise; bytes inline. */
function togetherEdit(
  model: string,
  edit: EditCapabilities,
  inputs: { images: InputImage[]; mask: InputImage | undefined },
  warnings: PictorWarning[],
): EditInputs {
  const fields = edit.fields ?? [];
  const single = inputs.images.length === 1 && fields.includes('imageUrl');
  const out: Record<string, unknown> = {};
  if (single) {
    out.image_url = urlOf(inputs.images[0] as InputImage);
  } else {
    out.reference_images = inputs.images.map(urlOf);
    if (inputs.images.some((input) => input.kind === 'bytes')) {
      warnings.push({
        type: 'other',
        message: `Together documents reference_images as URLs; the inputs given as bytes were sent inline as data: URLs to ${model}, which it may refuse`,
      });
    }
  }
  return { path: '/images/generations', accepts: new Set(), fields: out };
}

/**
 * Plans how an edit's inputs travel for a model, refusing before any network call what the model cannot take:
 * a model that does not edit, too many inputs, a type, size or shape it refuses, a mask it takes no mask for, a
 * URL where only uploads go. Throws `ValidationError` naming `model`, `images`, `images.<i>` or `mask`.
 */
export function planEditInputs(
  provider: Pick<ProviderPreset, 'dialect' | 'envelope' | 'label'>,
  model: string,
  caps: ModelCapabilities,
  inputs: { images: InputImage[]; mask: InputImage | undefined },
  warnings: PictorWarning[],
): EditInputs {
  const edit = caps.edit;
  if (!edit) {
    const why =
      provider.envelope === 'r9s' || provider.envelope === 'ai-stats'
        ? `${provider.label}'s API has no image edits`
        : `${model} does not edit images on ${provider.label}`;
    throw new ValidationError([{ field: 'model', message: why }]);
  }
  const issues: FieldIssue[] = [];
  checkInputs(model, edit, inputs, issues);
  const planned =
    edit.via === 'openai'
      ? openAIEdit(model, caps, edit, inputs, issues)
      : { ...togetherEdit(model, edit, inputs, warnings), accepts: caps.accepts };
  if (issues.length) throw new ValidationError(issues);
  return planned;
}
