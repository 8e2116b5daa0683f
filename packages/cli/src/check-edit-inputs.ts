import {
  capabilitiesFor,
  PROVIDERS,
  sniffMediaType,
  ValidationError,
  type FieldIssue,
  type ImageInput,
  type PictorClient,
} from '@pictor/core';
import { open } from 'node:fs/promises';

/** What a file starts with: enough to tell PNG, JPEG, WebP and GIF apart. */
const HEADER_BYTES = 16;

async function checkFile(path: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `cannot be read: ${code === 'ENOENT' ? `${path} does not exist` : (error as Error).message}`;
  }
  try {
    if (!(await handle.stat()).isFile()) return `cannot be read: ${path} is not a file`;
    const { bytesRead, buffer } = await handle.read(new Uint8Array(HEADER_BYTES), 0, HEADER_BYTES, 0);
    const sniffed = sniffMediaType(buffer.subarray(0, bytesRead));
    return sniffed ? undefined : 'is not an image (PNG, JPEG, WebP or GIF)';
  } finally {
    await handle.close();
  }
}

/**
 * The checks of an edit a dry run can make without reading whole files or sending anything: every local input and
 * the mask exist and are images, the model edits at all, and takes that many inputs. (`edit()` itself checks the
 * rest — sizes, shapes, the mask's rules — when the edit is really made.) Returns the model the edit would use.
 * Throws `ValidationError` naming `model`, `images.<i>` or `mask`, as `edit()` does.
 */
export async function checkEditInputs(
  client: PictorClient,
  model: string | undefined,
  images: ImageInput[],
  mask: ImageInput | undefined,
): Promise<string> {
  const issues: FieldIssue[] = [];
  const inputs: Array<[string, ImageInput]> = images.map((input, i) => [`images.${i}`, input]);
  if (mask !== undefined) inputs.push(['mask', mask]);
  for (const [field, input] of inputs) {
    if (input instanceof Uint8Array || !('path' in input)) continue; // a URL is fetched by the provider
    const problem = await checkFile(input.path);
    if (problem) issues.push({ field, message: problem });
  }
  if (issues.length) throw new ValidationError(issues);

  const preset = PROVIDERS[client.provider];
  if (!model) throw new ValidationError([{ field: 'model', message: `is required for edits with ${preset.label}` }]);
  const envelope = client.provider === 'custom' ? client.dialect : preset.envelope;
  const edit = capabilitiesFor({ dialect: client.dialect, envelope }, model).edit;
  if (!edit)
    throw new ValidationError([{ field: 'model', message: `${model} does not edit images on ${preset.label}` }]);
  if (images.length > edit.maxImages) {
    throw new ValidationError([
      { field: 'images', message: `${model} takes at most ${edit.maxImages}; got ${images.length}` },
    ]);
  }
  if (mask !== undefined && !edit.mask) {
    throw new ValidationError([{ field: 'mask', message: `${model} takes no mask` }]);
  }
  return model;
}
