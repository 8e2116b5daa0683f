import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { describeImage } from './describe-image.js';
import { ResponseValidationError } from '../errors/index.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function rejection(bytes: Uint8Array): ResponseValidationError {
  try {
    describeImage(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).isRetryable).toBe(false);
    return error as ResponseValidationError;
  }
  throw new Error('expected the bytes to be rejected');
}

describe('describeImage', () => {
  it.each([
    ['tiny-3x2.png', 'image/png', 'png'],
    ['tiny-3x2.jpg', 'image/jpeg', 'jpg'],
    ['tiny-3x2-lossy.webp', 'image/webp', 'webp'],
    ['tiny-3x2-lossless.webp', 'image/webp', 'webp'],
    ['tiny-3x2-alpha.webp', 'image/webp', 'webp'],
    ['tiny-3x2.gif', 'image/gif', 'gif'],
  ])('describes the 3×2 fixture %s', (name, mediaType, extension) => {
    const bytes = fixture(name);
    expect(describeImage(bytes)).toEqual({ mediaType, extension, width: 3, height: 2, sha256: sha256(bytes) });
  });

  it('describes a PNG built in the test, passed as a plain Uint8Array', () => {
    const png = makePng(17, 5);
    const info = describeImage(new Uint8Array(png));
    expect(info).toMatchObject({ mediaType: 'image/png', extension: 'png', width: 17, height: 5 });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.sha256).toBe(sha256(png));
  });

  it('refuses bytes that are not an image, showing how they start', () => {
    expect(rejection(Buffer.from('{"error":{"message":"expired"}}')).message).toBe(
      'response image is not a PNG, JPEG, WebP or GIF (31 bytes starting with "{\\"error\\":{\\"messa"…)',
    );
    expect(rejection(Buffer.alloc(0)).message).toMatch(
      /^response image is not a PNG, JPEG, WebP or GIF \(the body is empty\)/,
    );
    expect(rejection(Buffer.from([0x42, 0x4d, 0x00, 0xff])).message).toMatch(/starting with 0x424d00ff\)$/);
    expect(rejection(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')).message).toMatch(
      /not a PNG, JPEG, WebP or GIF/,
    );
  });

  it('refuses an image whose header is cut short', () => {
    for (const bytes of [
      makePng(3, 2).subarray(0, 8),
      fixture('tiny-3x2.gif').subarray(0, 6),
      Buffer.from([0xff, 0xd8, 0xff]),
    ]) {
      expect(rejection(bytes).message).toMatch(
        /^response image looks like a (PNG|GIF|JPG) but its size cannot be read/,
      );
    }
  });

  it('never reads past the end of a view into the buffer around it', () => {
    const gif = fixture('tiny-3x2.gif');
    const around = Buffer.concat([Buffer.alloc(3), gif]);
    expect(describeImage(around.subarray(3))).toMatchObject({ width: 3, height: 2 });
    expect(rejection(around.subarray(3, 9)).message).toMatch(/looks like a GIF but its size cannot be read/);
  });
});
