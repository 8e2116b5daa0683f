import { ValidationError, type FieldIssue } from '../errors/index.js';
import type { ImageInput } from '../request/edit-request.js';

/** Reads a local input file (the Node entry brings one): its bytes and the name to upload it under. */
export type ReadInputFile = (path: string, maxBytes: number) => Promise<{ bytes: Uint8Array; name: string }>;

/** The largest input any model takes (OpenAI's GPT image models: 50 MB); the model's own limit is checked later. */
const MAX_INPUT_FILE_BYTES = 50 * 1024 * 1024;

/**
 * Replaces `{ path }` inputs by their bytes, all read before anything is sent; a file that cannot be read is a
 * `ValidationError` naming its field (`images.<i>`, `mask`). Without a reader, paths are left for the input check
 * to refuse.
 */
export async function readInputFiles(
  images: ImageInput[],
  mask: ImageInput | undefined,
  readFile: ReadInputFile | undefined,
): Promise<{ images: ImageInput[]; mask: ImageInput | undefined }> {
  if (!readFile) return { images, mask };
  const issues: FieldIssue[] = [];
  const load = async (input: ImageInput, field: string): Promise<ImageInput> => {
    if (input instanceof Uint8Array || !('path' in input)) return input;
    try {
      return await readFile(input.path, MAX_INPUT_FILE_BYTES);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const why = code === 'ENOENT' ? `${input.path} does not exist` : (error as Error).message;
      issues.push({ field, message: `cannot be read: ${why}` });
      return input;
    }
  };
  const read = await Promise.all(images.map((input, i) => load(input, `images.${i}`)));
  const readMask = mask === undefined ? undefined : await load(mask, 'mask');
  if (issues.length) throw new ValidationError(issues);
  return { images: read, mask: readMask };
}
