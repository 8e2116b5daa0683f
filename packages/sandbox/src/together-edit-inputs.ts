import type { GenerationJob } from './generation-request.js';
import { readImageUrl } from './image-refs.js';
import { modelCatalogue, type ImageModel, type TogetherEditInput } from './model-catalogue.js';
import { probeImage } from './probe-image.js';
import { invalidRequest, listValues, type ApiError } from './provider-envelopes.js';
import type { SandboxContext } from './sandbox-context.js';

const INPUT_FORMATS = ['png', 'jpeg', 'webp'];

function notAccepted(model: ImageModel, field: TogetherEditInput): ApiError {
  const takes = model.editInputs ?? [];
  const others = modelCatalogue('together')
    .filter((m) => m.editInputs?.includes(field))
    .map((m) => m.id);
  const message =
    takes.length > 0
      ? `'${model.id}' does not take '${field}'; send its input images as ${listValues(takes)}.`
      : `'${model.id}' takes no input images. The models that take '${field}' are ${listValues(others)}.`;
  return invalidRequest(`Invalid '${field}': ${message}`, field, 'unsupported_parameter');
}

/**
 * The input images of a Together request, read and checked: `image_url` (the image to edit) first, then
 * `reference_images` (images that guide the picture). The picture is derived from the first. Each is a `data:` URL
 * or a URL the sandbox issued, decoding to PNG, JPEG or WebP; the model must take the field, and no more images
 * than its `maxInputImages` (both fields together). Empty for a plain generation.
 */
export async function readTogetherInputs(
  context: SandboxContext,
  job: GenerationJob,
  body: Record<string, unknown>,
): Promise<Buffer[] | ApiError> {
  const model = job.model;
  const refs: Array<{ url: string; param: string }> = [];
  for (const field of ['image_url', 'reference_images'] as const) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (!model.editInputs?.includes(field)) return notAccepted(model, field);
    // The spec check has made `image_url` a string and `reference_images` an array of strings.
    if (typeof value === 'string') refs.push({ url: value, param: field });
    else (value as string[]).forEach((url, index) => refs.push({ url, param: `${field}[${index}]` }));
  }
  if (refs.length > model.maxInputImages) {
    const field = body.reference_images ? 'reference_images' : 'image_url';
    return invalidRequest(
      `Invalid '${field}': '${model.id}' takes at most ${model.maxInputImages} input image${model.maxInputImages === 1 ? '' : 's'}, but got ${refs.length}.`,
      field,
      'array_above_max_length',
    );
  }
  const images: Buffer[] = [];
  for (const { url, param } of refs) {
    const bytes = await readImageUrl(context, url, param);
    if ('status' in bytes) return bytes;
    const info = await probeImage(bytes);
    if (!info || !INPUT_FORMATS.includes(info.format)) {
      return invalidRequest(
        `Invalid '${param}': expected a PNG, JPEG or WebP image${info ? `, but got ${info.format}` : ' the sandbox can decode'}.`,
        param,
        'invalid_image_format',
      );
    }
    images.push(bytes);
  }
  return images;
}
