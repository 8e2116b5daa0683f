import type { IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';
import { c2paStore } from './c2pa-store.js';
import type { GenerationJob } from './generation-request.js';
import { header } from './http-helpers.js';
import { invalidRequest, type ApiError } from './provider-envelopes.js';
import type { ImageFormat } from './render-image.js';

/** The per-request header, and the values it takes: `c2pa` turns credentials on, `none` off. */
export const CONTENT_CREDENTIALS_HEADER = 'x-sandbox-content-credentials';

/**
 * Whether a request's images carry content credentials: the header, else the sandbox's option. Only the OpenAI
 * stand-in's GPT image models ever do, as only OpenAI's GPT image models embed C2PA; a bad header value is an error.
 */
export function contentCredentialsFor(
  req: IncomingMessage,
  job: Pick<GenerationJob, 'provider' | 'model'>,
  byDefault: boolean,
): boolean | ApiError {
  const raw = header(req, CONTENT_CREDENTIALS_HEADER)?.trim().toLowerCase();
  if (raw && raw !== 'c2pa' && raw !== 'none') {
    return invalidRequest(
      `Unknown value '${raw}' in ${CONTENT_CREDENTIALS_HEADER}: use 'c2pa' or 'none'.`,
      null,
      'invalid_sandbox_content_credentials',
    );
  }
  const wanted = raw ? raw === 'c2pa' : byDefault;
  return wanted && job.provider === 'openai' && job.model.family === 'gpt-image';
}

/** PNG (C2PA 2.2 §A.3.2): a `caBX` chunk right after IHDR, where c2pa-rs puts it. */
function pngWith(image: Buffer, store: Buffer): Buffer {
  const afterIhdr = 8 + 12 + image.readUInt32BE(8);
  const chunk = Buffer.alloc(12 + store.length);
  chunk.writeUInt32BE(store.length, 0);
  chunk.write('caBX', 4, 'latin1');
  store.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + store.length)), 8 + store.length);
  return Buffer.concat([image.subarray(0, afterIhdr), chunk, image.subarray(afterIhdr)]);
}

/** JPEG (§A.3.1): one APP11 segment of JPEG XT boxes (`JP`, instance 1, sequence 1), after SOI and any APP0. */
function jpegWith(image: Buffer, store: Buffer): Buffer {
  const length = 2 + 2 + 2 + 4 + store.length;
  // The store is a few hundred bytes; a larger one would need continuation segments.
  if (length > 0xffff) throw new RangeError(`C2PA store of ${store.length} bytes does not fit one APP11 segment`);
  const segment = Buffer.alloc(2 + length);
  segment.writeUInt16BE(0xffeb, 0);
  segment.writeUInt16BE(length, 2);
  segment.write('JP', 4, 'latin1');
  segment.writeUInt16BE(1, 6);
  segment.writeUInt32BE(1, 8);
  store.copy(segment, 12);
  const at = image[2] === 0xff && image[3] === 0xe0 ? 4 + image.readUInt16BE(4) : 2; // JFIF's APP0 stays first
  return Buffer.concat([image.subarray(0, at), segment, image.subarray(at)]);
}

/** WebP (§A.3.6): a `C2PA` chunk at the end of the RIFF, padded to even length, the RIFF size updated. */
function webpWith(image: Buffer, store: Buffer): Buffer {
  const pad = store.length % 2;
  const out = Buffer.alloc(image.length + 8 + store.length + pad);
  image.copy(out, 0);
  out.write('C2PA', image.length, 'latin1');
  out.writeUInt32LE(store.length, image.length + 4);
  store.copy(out, image.length + 8);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

/** The image with a C2PA manifest store (see `c2paStore`) in its format's container; the pixels are untouched. */
export function withContentCredentials(image: Buffer, format: ImageFormat): Buffer {
  const store = c2paStore(image);
  switch (format) {
    case 'png':
      return pngWith(image, store);
    case 'jpeg':
      return jpegWith(image, store);
    case 'webp':
      return webpWith(image, store);
  }
}
