import { crc32 } from 'node:zlib';
import type { ImageFormat } from './render-image.js';

/** Default size of the `oversized` fault's image: over the 50 MB a client should refuse. */
export const DEFAULT_OVERSIZED_BYTES = 64 * 1024 * 1024;

/** The largest padded image the sandbox builds (it is held in memory). */
export const MAX_OVERSIZED_BYTES = 512 * 1024 * 1024;

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

/** PNG: a private ancillary chunk (`sdPa`, ignored by decoders) before IEND. */
function padPng(image: Buffer, target: number): Buffer {
  const iend = image.length - 12;
  const size = Math.max(0, target - image.length - 12);
  const type = Buffer.from('sdPa', 'latin1');
  const data = Buffer.alloc(size);
  const crc = crc32(data, crc32(type));
  return Buffer.concat([image.subarray(0, iend), uint32(size), type, data, uint32(crc), image.subarray(iend)]);
}

/** JPEG: comment (COM) segments right after SOI, each at most 65 533 bytes of payload. */
function padJpeg(image: Buffer, target: number): Buffer {
  const parts: Buffer[] = [image.subarray(0, 2)];
  let missing = target - image.length;
  const full = Buffer.alloc(65_533, 0x20);
  while (missing > 4) {
    const payload = Math.min(65_533, missing - 4);
    const head = Buffer.from([0xff, 0xfe, ((payload + 2) >> 8) & 0xff, (payload + 2) & 0xff]);
    parts.push(head, payload === full.length ? full : full.subarray(0, payload));
    missing -= payload + 4;
  }
  parts.push(image.subarray(2));
  return Buffer.concat(parts);
}

/** WebP: an unknown RIFF chunk after the image data, with the RIFF size updated. */
function padWebp(image: Buffer, target: number): Buffer {
  let size = Math.max(0, target - image.length - 8);
  size -= size % 2;
  const chunk = Buffer.concat([Buffer.from('JUNK', 'latin1'), Buffer.alloc(4), Buffer.alloc(size)]);
  chunk.writeUInt32LE(size, 4);
  const out = Buffer.concat([image, chunk]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

/** The image, still valid, grown to at least `target` bytes. */
export function padImage(image: Buffer, format: ImageFormat, requested: number): Buffer {
  const target = Math.min(requested, MAX_OVERSIZED_BYTES);
  if (target <= image.length) return image;
  switch (format) {
    case 'png':
      return padPng(image, target);
    case 'jpeg':
      return padJpeg(image, target);
    case 'webp':
      return padWebp(image, target);
  }
}
