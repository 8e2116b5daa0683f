/** An image format Pictor recognises, as a media type and the file extension it is saved under. */
export interface SniffedMediaType {
  mediaType: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';
  extension: 'png' | 'jpg' | 'webp' | 'gif';
}

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((byte, i) => bytes[at + i] === byte);
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89PNG\r\n\x1a\n
const JPEG = [0xff, 0xd8, 0xff]; // SOI, then the first marker
const RIFF = [0x52, 0x49, 0x46, 0x46]; // RIFF
const WEBP = [0x57, 0x45, 0x42, 0x50]; // WEBP, at offset 8
const GIF87A = [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]; // GIF87a
const GIF89A = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]; // GIF89a

/**
 * Tells PNG, JPEG, WebP and GIF apart by their leading magic bytes alone (never by a declared
 * `content-type` or file name); `undefined` for anything else.
 *
 * @example
 * sniffMediaType(bytes); // { mediaType: 'image/png', extension: 'png' }
 */
export function sniffMediaType(bytes: Uint8Array): SniffedMediaType | undefined {
  if (startsWith(bytes, PNG)) return { mediaType: 'image/png', extension: 'png' };
  if (startsWith(bytes, JPEG)) return { mediaType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return { mediaType: 'image/webp', extension: 'webp' };
  if (startsWith(bytes, GIF87A) || startsWith(bytes, GIF89A)) return { mediaType: 'image/gif', extension: 'gif' };
  return undefined;
}
