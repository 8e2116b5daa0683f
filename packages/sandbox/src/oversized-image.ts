import { crc32 } from 'node:zlib';
import type { ImageFormat } from './render-image.js';

/** Default size of the `oversized` fault's image: over the 50 MB a client should refuse. */
export const DEFAULT_OVERSIZED_BYTES = 64 * 1024 * 1024;

/** The largest padded image the sandbox serves. */
export const MAX_OVERSIZED_BYTES = 512 * 1024 * 1024;

/**
 * A padded image, produced piece by piece: every fetch streams the same few shared fill buffers, so serving it
 * costs about 1 MiB of memory whatever its size, and nothing is kept between fetches.
 */
export interface PaddedImage {
  /** Total size in bytes. */
  length: number;
  /** The bytes in order; each call starts over. The buffers are shared: never write into them. */
  chunks(): Generator<Buffer>;
}

const FILL_BYTES = 256 * 1024;
const ZEROS = Buffer.alloc(FILL_BYTES);

/** JPEG comment (COM) segment: marker, length (payload + 2), payload of spaces; 65 533 bytes of payload at most. */
const JPEG_MAX_PAYLOAD = 65_533;
const JPEG_SEGMENT = JPEG_MAX_PAYLOAD + 4;
const JPEG_SEGMENTS_PER_BLOCK = 4;
const JPEG_BLOCK = Buffer.alloc(JPEG_SEGMENT * JPEG_SEGMENTS_PER_BLOCK, 0x20);
for (let at = 0; at < JPEG_BLOCK.length; at += JPEG_SEGMENT) JPEG_BLOCK.set([0xff, 0xfe, 0xff, 0xff], at);

function uint32(value: number, littleEndian = false): Buffer {
  const b = Buffer.alloc(4);
  if (littleEndian) b.writeUInt32LE(value >>> 0);
  else b.writeUInt32BE(value >>> 0);
  return b;
}

/** `size` zero bytes, in shared chunks, each passed to `seen` first (for a running checksum). */
function* zeros(size: number, seen: (chunk: Buffer) => void = () => {}): Generator<Buffer> {
  for (let left = size; left > 0; left -= FILL_BYTES) {
    const chunk = left >= FILL_BYTES ? ZEROS : ZEROS.subarray(0, left);
    seen(chunk);
    yield chunk;
  }
}

/** PNG: a private ancillary chunk (`sdPa`, ignored by decoders) before IEND; its CRC is computed as it streams. */
function padPng(image: Buffer, target: number): PaddedImage {
  const iend = image.length - 12;
  const size = Math.max(0, target - image.length - 12);
  const type = Buffer.from('sdPa', 'latin1');
  return {
    length: image.length + 12 + size,
    *chunks() {
      let crc = crc32(type);
      yield Buffer.concat([image.subarray(0, iend), uint32(size), type]);
      yield* zeros(size, (chunk) => (crc = crc32(chunk, crc)));
      yield uint32(crc);
      yield image.subarray(iend);
    },
  };
}

/** JPEG: comment segments right after SOI, as many full ones as fit, then one shorter one for the rest. */
function padJpeg(image: Buffer, target: number): PaddedImage {
  const missing = Math.max(0, target - image.length);
  const full = Math.floor(missing / JPEG_SEGMENT);
  const rest = missing % JPEG_SEGMENT;
  const tail = rest > 4 ? rest - 4 : 0;
  return {
    length: image.length + full * JPEG_SEGMENT + (tail > 0 ? tail + 4 : 0),
    *chunks() {
      yield image.subarray(0, 2);
      for (let left = full; left > 0; left -= JPEG_SEGMENTS_PER_BLOCK) {
        yield JPEG_BLOCK.subarray(0, Math.min(left, JPEG_SEGMENTS_PER_BLOCK) * JPEG_SEGMENT);
      }
      if (tail > 0)
        yield Buffer.concat([
          Buffer.from([0xff, 0xfe, ((tail + 2) >> 8) & 0xff, (tail + 2) & 0xff]),
          JPEG_BLOCK.subarray(4, 4 + tail),
        ]);
      yield image.subarray(2);
    },
  };
}

/** WebP: an unknown RIFF chunk after the image data, with the RIFF size updated. */
function padWebp(image: Buffer, target: number): PaddedImage {
  let size = Math.max(0, target - image.length - 8);
  size -= size % 2;
  const length = image.length + 8 + size;
  return {
    length,
    *chunks() {
      const head = Buffer.from(image);
      head.writeUInt32LE(length - 8, 4);
      yield head;
      yield Buffer.concat([Buffer.from('JUNK', 'latin1'), uint32(size, true)]);
      yield* zeros(size);
    },
  };
}

/** The image, still valid, grown to at least `requested` bytes (at most `MAX_OVERSIZED_BYTES`). */
export function padImage(image: Buffer, format: ImageFormat, requested: number): PaddedImage {
  const target = Math.min(requested, MAX_OVERSIZED_BYTES);
  if (target <= image.length) {
    return {
      length: image.length,
      *chunks() {
        yield image;
      },
    };
  }
  switch (format) {
    case 'png':
      return padPng(image, target);
    case 'jpeg':
      return padJpeg(image, target);
    case 'webp':
      return padWebp(image, target);
  }
}

/** The fill buffers every padded image shares, and their base64 per carried-over prefix (0–2 bytes; 3 at most each). */
const SHARED_FILLS = new Map<Buffer, Map<string, { base64: Buffer; carry: Buffer }>>([
  [ZEROS, new Map()],
  [JPEG_BLOCK, new Map()],
]);

/**
 * The base64 of a padded image, piece by piece (4 × ⌈length / 3⌉ characters in all). The shared fill buffers
 * are encoded once and their base64 reused, so streaming a huge image inline allocates next to nothing.
 */
export function* base64Chunks(image: PaddedImage): Generator<Buffer> {
  // Whole 3-byte groups only; up to 2 bytes carry over to the next piece.
  let carry: Buffer = Buffer.alloc(0);
  for (const chunk of image.chunks()) {
    const memo = SHARED_FILLS.get(chunk);
    const key = carry.toString('latin1');
    const known = memo?.get(key);
    if (known) {
      carry = known.carry;
      yield known.base64;
      continue;
    }
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % 3);
    const base64 = Buffer.from(bytes.subarray(0, whole).toString('base64'), 'latin1');
    carry = Buffer.from(bytes.subarray(whole));
    memo?.set(key, { base64, carry });
    yield base64;
  }
  if (carry.length > 0) yield Buffer.from(carry.toString('base64'), 'latin1');
}
