import { formFieldsToJson } from './form-fields.js';
import { issueToError, openAiShapedJob, type GenerationJob } from './generation-request.js';
import { fetchImageRef, type ImageRef } from './image-refs.js';
import type { ParsedForm } from './multipart-form.js';
import { probeImage as probe } from './probe-image.js';
import { invalidRequest, unknownParameter, type ApiError } from './provider-envelopes.js';
import type { ProviderName } from './providers.js';
import type { SandboxContext } from './sandbox-context.js';

/** An accepted edit: the job, its input images (the first is the one edited) and the optional mask. */
export interface EditJob {
  job: GenerationJob;
  images: Buffer[];
  mask?: Buffer;
}

/** dall-e-2's limits on an edit's files ("a square png file less than 4MB"; the mask the same). */
const DALL_E_2_FILE_BYTES = 4 * 1024 * 1024;
/** Every model's limit on a mask ("a valid PNG file, less than 4MB"). */
const MASK_BYTES = 4 * 1024 * 1024;

const FILE_FIELDS = new Set(['image', 'image[]', 'mask']);

/** Checks the inputs against the model: how many, which formats, dall-e-2's square PNGs, the mask's size. */
async function checkInputs(
  job: GenerationJob,
  images: Buffer[],
  mask: Buffer | undefined,
): Promise<ApiError | undefined> {
  const model = job.model;
  if (images.length > model.maxInputImages) {
    return invalidRequest(
      `Invalid 'image': '${model.id}' takes at most ${model.maxInputImages} input image${model.maxInputImages === 1 ? '' : 's'}, but got ${images.length}.`,
      'image',
      'array_above_max_length',
    );
  }
  const dallE = model.family === 'dall-e-2';
  let first: { width: number; height: number } | undefined;
  for (const [index, bytes] of images.entries()) {
    const info = await probe(bytes);
    const allowed = dallE ? ['png'] : ['png', 'jpeg', 'webp'];
    if (!info || !allowed.includes(info.format)) {
      return invalidRequest(
        `Invalid image file ${index + 1}: expected ${dallE ? 'a PNG' : 'a PNG, JPEG or WebP'} image${info ? `, but got ${info.format}` : ' the sandbox can decode'}.`,
        'image',
        'invalid_image_format',
      );
    }
    if (dallE && (info.width !== info.height || bytes.length >= DALL_E_2_FILE_BYTES)) {
      return invalidRequest(
        `Invalid image file: dall-e-2 edits a square PNG under 4 MB, but got ${info.width}x${info.height} in ${bytes.length} bytes.`,
        'image',
        'invalid_image',
      );
    }
    first ??= info;
  }
  if (mask) {
    const info = await probe(mask);
    if (!info || info.format !== 'png' || mask.length >= MASK_BYTES) {
      return invalidRequest('Invalid mask: it must be a PNG file under 4 MB.', 'mask', 'invalid_image_format');
    }
    if (first && (info.width !== first.width || info.height !== first.height)) {
      return invalidRequest(
        `Invalid mask: it must have the same dimensions as the image (${first.width}x${first.height}), but it is ${info.width}x${info.height}.`,
        'mask',
        'invalid_image',
      );
    }
  }
  return undefined;
}

/** A multipart edit: the form's fields checked against `CreateImageEditRequest`, then the model and the files. */
export async function buildMultipartEdit(
  context: SandboxContext,
  provider: ProviderName,
  form: ParsedForm,
): Promise<EditJob | ApiError> {
  const stray = form.files.find((file) => !FILE_FIELDS.has(file.field));
  if (stray) return unknownParameter(stray.field);
  const asText = Object.keys(form.fields).find((name) => FILE_FIELDS.has(name));
  if (asText) {
    const param = asText.replace(/\[\]$/, '');
    return invalidRequest(`Invalid '${param}': expected a file upload, but got a text field.`, param, 'invalid_type');
  }
  const images = form.files.filter((file) => file.field !== 'mask').map((file) => file.bytes);
  const masks = form.files.filter((file) => file.field === 'mask');
  if (masks.length > 1) return invalidRequest("Invalid 'mask': send one mask.", 'mask', 'invalid_value');

  const body = formFieldsToJson(form.fields, context.validator.requestPropertyTypes(provider, 'edits-multipart'));
  // Files stand in as strings for the spec's `format: binary` properties.
  const forSpec: Record<string, unknown> = { ...body };
  if (images.length === 1 && !form.files.some((file) => file.field === 'image[]')) forSpec.image = 'file';
  else if (images.length > 0) forSpec.image = images.map(() => 'file');
  if (masks.length === 1) forSpec.mask = 'file';
  const issue = context.validator.validateRequest(provider, forSpec, 'edits-multipart');
  if (issue) return issueToError(provider, issue);

  const job = openAiShapedJob(provider, body, 'edits');
  if ('status' in job) return job;
  const mask = masks[0]?.bytes;
  const problem = await checkInputs(job, images, mask);
  if (problem) return problem;
  return { job, images, ...(mask ? { mask } : {}) };
}

/** A JSON edit: the body checked against `EditImageBodyJsonParam`, then the model, then the referenced images. */
export async function buildJsonEdit(
  context: SandboxContext,
  provider: ProviderName,
  body: unknown,
): Promise<EditJob | ApiError> {
  const issue = context.validator.validateRequest(provider, body, 'edits-json');
  if (issue) return issueToError(provider, issue);
  const record = body as Record<string, unknown> & { images: ImageRef[]; mask?: ImageRef | null };
  const job = openAiShapedJob(provider, record, 'edits');
  if ('status' in job) return job;
  if (job.model.family !== 'gpt-image') {
    return invalidRequest(
      `JSON edits take the GPT image models only; send '${job.model.id}' edits as multipart/form-data.`,
      'model',
      'invalid_value',
    );
  }
  const images: Buffer[] = [];
  for (const [index, ref] of record.images.entries()) {
    const bytes = await fetchImageRef(context, ref, `images[${index}]`);
    if ('status' in bytes) return bytes;
    images.push(bytes);
  }
  const mask = record.mask ? await fetchImageRef(context, record.mask, 'mask') : undefined;
  if (mask && 'status' in mask) return mask;
  const problem = await checkInputs(job, images, mask);
  if (problem) return problem;
  return { job, images, ...(mask ? { mask } : {}) };
}
