import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * A valid RGBA PNG of random pixels (stored, not compressed, so its size is predictable), padded with a
 * `tEXt` chunk to exactly `totalBytes` when that is larger than the image needs. Every client, Pictor's
 * media-type sniffing and dimension reading included, sees a real image.
 */
export function makePng(width: number, height: number, totalBytes = 0): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rowBytes = width * 4;
  const pixels = randomBytes(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) pixels[y * (rowBytes + 1)] = 0; // filter type "none"
  const parts = [SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(pixels, { level: 0 }))];
  const end = chunk('IEND', Buffer.alloc(0));
  const size = parts.reduce((sum, p) => sum + p.length, 0) + end.length;
  const padding = totalBytes - size - 12;
  if (padding >= 9)
    parts.push(chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(padding - 8, 0x2e)])));
  return Buffer.concat([...parts, end]);
}
