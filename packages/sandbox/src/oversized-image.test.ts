import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { base64Chunks, MAX_OVERSIZED_BYTES, padImage } from './oversized-image.js';
import { renderImage, type ImageFormat } from './render-image.js';

const whole = (chunks: Iterable<Buffer>): Buffer => Buffer.concat([...chunks]);

/** Every PNG chunk's CRC checks out (decoders may skip a bad one in an ancillary chunk; this does not). */
function pngChunksValid(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at < png.length;) {
    const size = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + size);
    if (crc32(typeAndData) !== png.readUInt32BE(at + 8 + size))
      throw new Error(`bad CRC in ${typeAndData.subarray(0, 4).toString('latin1')}`);
    types.push(typeAndData.subarray(0, 4).toString('latin1'));
    at += 12 + size;
  }
  return types;
}

describe('padImage', () => {
  it.each(['png', 'jpeg', 'webp'] as ImageFormat[])(
    'grows a %s to the size asked, still decodable, with an exact length',
    async (format) => {
      const image = await renderImage({ prompt: 'padded', seed: 1, index: 0, width: 64, height: 48, format });
      for (const target of [3 * 1024 * 1024 + 1, 3 * 1024 * 1024 + 2, 700_001]) {
        const padded = padImage(image, format, target);
        const bytes = whole(padded.chunks());
        expect(bytes.length).toBe(padded.length);
        expect(bytes.length).toBeGreaterThanOrEqual(target - 4);
        expect(await sharp(bytes).metadata()).toMatchObject({ format, width: 64, height: 48 });
        if (format === 'png') expect(pngChunksValid(bytes)).toContain('sdPa');
        if (format === 'webp') expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
        expect(whole(padded.chunks()).equals(bytes)).toBe(true); // each call starts over
      }
    },
  );

  it('leaves an image already that large alone, and caps the size at MAX_OVERSIZED_BYTES', async () => {
    const image = await renderImage({ prompt: 'padded', seed: 1, index: 0, width: 64, height: 48, format: 'png' });
    expect(whole(padImage(image, 'png', 10).chunks()).equals(image)).toBe(true);
    expect(padImage(image, 'png', 4 * MAX_OVERSIZED_BYTES).length).toBe(MAX_OVERSIZED_BYTES);
  });
});

describe('base64Chunks', () => {
  it.each(['png', 'jpeg', 'webp'] as ImageFormat[])(
    'gives exactly the base64 of the padded %s, however its pieces align',
    async (format) => {
      const image = await renderImage({ prompt: 'inline', seed: 2, index: 0, width: 64, height: 64, format });
      // Several sizes so the carried-over bytes between pieces take each value, twice (the reused encodings).
      for (const target of [2_000_000, 2_000_001, 2_000_002, 2_000_000, 2_000_001, 2_000_002]) {
        const padded = padImage(image, format, target);
        const b64 = whole(base64Chunks(padded)).toString('latin1');
        expect(b64.length).toBe(4 * Math.ceil(padded.length / 3));
        expect(b64 === whole(padded.chunks()).toString('base64')).toBe(true);
      }
    },
  );
});
