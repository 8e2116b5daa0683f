import { hash } from 'node:crypto';
import { imageSize } from 'image-size';
import { ResponseValidationError } from '../errors/index.js';
import { sniffMediaType, type SniffedMediaType } from './sniff-media-type.js';

/** What the bytes of one image are: format (from magic bytes), pixel size and SHA-256. */
export interface ImageDescription extends SniffedMediaType {
  /** Width in pixels as stored (a JPEG's EXIF orientation is not applied). */
  width: number;
  /** Height in pixels as stored. */
  height: number;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
}

/**
 * Describes an image the provider returned, trusting only its bytes: the format from its magic bytes
 * ({@link sniffMediaType}), the size from its header (`image-size`), and a SHA-256 of the whole.
 *
 * @throws ResponseValidationError (not retryable) when the bytes are not a PNG, JPEG, WebP or GIF, or when
 * their header is too damaged to give a size.
 */
export function describeImage(bytes: Uint8Array): ImageDescription {
  const sniffed = sniffMediaType(bytes);
  if (!sniffed) {
    throw new ResponseValidationError(`response image is not a PNG, JPEG, WebP or GIF (${describeStart(bytes)})`, {
      retryable: false,
    });
  }
  let size: { width?: number; height?: number } | undefined;
  let cause: unknown;
  try {
    // image-size reads through a DataView of `bytes.buffer` that is not bounded by the view's length, so a
    // truncated image lying inside a larger buffer (Node's pool, a subarray) would be read past its end.
    const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    size = imageSize(exact ? bytes : Uint8Array.prototype.slice.call(bytes));
  } catch (error) {
    cause = error;
  }
  const { width, height } = size ?? {};
  if (!width || !height || width < 0 || height < 0) {
    throw new ResponseValidationError(
      `response image looks like a ${sniffed.extension.toUpperCase()} but its size cannot be read (${bytes.length} bytes; damaged or truncated)`,
      { cause, retryable: false },
    );
  }
  return { ...sniffed, width, height, sha256: hash('sha256', bytes) };
}

/** "123 bytes starting with '{"error":…'" — enough to tell an error page from a damaged image. */
function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the body is empty';
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 16));
  const printable = head.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09);
  const shown = printable ? JSON.stringify(head.toString('latin1')) : `0x${head.toString('hex')}`;
  return `${bytes.length} bytes starting with ${shown}${bytes.length > head.length ? '…' : ''}`;
}
