import { ValidationError, type FieldIssue } from '../errors/index.js';
import type { ImageInput, InputImage } from '../request/edit-request.js';
import { describeImage } from './describe-image.js';

const DATA_URL = /^data:([^,]*?)(;base64)?,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a `data:` URL (base64 or percent-encoded), or why it has none. */
function dataUrlBytes(url: string): Uint8Array | string {
  const head = DATA_URL.exec(url);
  if (!head) return 'is not a valid data: URL';
  const payload = url.slice(head[0].length);
  if (head[2]) {
    const compact = payload.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !BASE64.test(compact)) return 'has invalid base64 data';
    return Buffer.from(compact, 'base64');
  }
  try {
    return Buffer.from(decodeURIComponent(payload), 'latin1');
  } catch {
    return 'has invalid percent-encoding';
  }
}

function describe(bytes: Uint8Array, name: string, field: string, issues: FieldIssue[]): InputImage | undefined {
  try {
    const info = describeImage(bytes);
    return {
      kind: 'bytes',
      bytes,
      name,
      mediaType: info.mediaType,
      width: info.width,
      height: info.height,
      sha256: info.sha256,
    };
  } catch (error) {
    // describeImage speaks of a "response image"; here it is the caller's input.
    const why = error instanceof Error ? error.message.replace(/^response image /, '') : String(error);
    issues.push({ field, message: `is not a readable image: ${why}` });
    return undefined;
  }
}

function read(input: ImageInput, field: string, issues: FieldIssue[]): InputImage | undefined {
  const fallbackName = field === 'mask' ? 'mask' : `image-${field.split('.').pop() ?? '0'}`;
  if (input instanceof Uint8Array) return describe(input, fallbackName, field, issues);
  if ('bytes' in input) return describe(input.bytes, input.name || fallbackName, field, issues);
  if ('url' in input) {
    if (!/^data:/i.test(input.url)) return { kind: 'url', url: input.url };
    // A data: URL is bytes already: checked like bytes, and sent as bytes where the provider takes uploads.
    const bytes = dataUrlBytes(input.url);
    if (typeof bytes === 'string') {
      issues.push({ field, message: bytes });
      return undefined;
    }
    return describe(bytes, fallbackName, field, issues);
  }
  issues.push({
    field,
    message: 'a file path is read by the Node entry (@pictor/core); with the kernel, pass the bytes',
  });
  return undefined;
}

/**
 * Reads an edit's inputs, trusting nothing about them: bytes and `data:` URLs are sniffed (PNG, JPEG, WebP or GIF),
 * measured and hashed; http(s) URLs are passed on for the provider to fetch. Throws `ValidationError` naming
 * `images.<i>` or `mask` for each input that is not an image. The model's own limits are the planner's.
 */
export function readInputImages(
  images: readonly ImageInput[],
  mask: ImageInput | undefined,
): { images: InputImage[]; mask: InputImage | undefined } {
  const issues: FieldIssue[] = [];
  const read_ = images.map((input, i) => read(input, `images.${i}`, issues));
  const readMask = mask === undefined ? undefined : read(mask, 'mask', issues);
  if (issues.length) throw new ValidationError(issues);
  return { images: read_ as InputImage[], mask: readMask };
}
