import { describe, expect, it } from 'vitest';
import { C2PA_STORE, withCaBX } from '../__fixtures__/c2pa.js';
import { makePng } from '../__fixtures__/make-png.js';
import { describeImage } from './describe-image.js';
import { hasContentCredentials } from './content-credentials.js';

describe('hasContentCredentials', () => {
  it('finds a caBX chunk holding a c2pa store in a PNG, which stays a readable PNG', () => {
    const png = withCaBX(makePng(8, 6));
    expect(hasContentCredentials(png)).toBe(true);
    expect(describeImage(png)).toMatchObject({ mediaType: 'image/png', width: 8, height: 6 });
    expect(hasContentCredentials(makePng(8, 6))).toBe(false);
  });

  it('does not take any caBX chunk for credentials: its content must be a c2pa store', () => {
    const other = Buffer.from(C2PA_STORE);
    other.write('xxxx', 16, 'ascii');
    expect(hasContentCredentials(withCaBX(makePng(8, 6), other))).toBe(false);
  });

  it('finds APP11 JUMBF in a JPEG and a C2PA chunk in a WebP', () => {
    const app11 = Buffer.concat([
      Buffer.from([0xff, 0xeb, 0x00, 2 + 2 + 2 + 4 + C2PA_STORE.length]),
      Buffer.from('JP', 'ascii'),
      Buffer.from([0x00, 0x01, 0, 0, 0, 1]),
      C2PA_STORE,
    ]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), app11, Buffer.from([0xff, 0xda, 0, 2, 0xff, 0xd9])]);
    expect(hasContentCredentials(jpeg)).toBe(true);
    expect(hasContentCredentials(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9]))).toBe(false);

    const chunk = (id: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.write(id, 0, 'ascii');
      head.writeUInt32LE(data.length, 4);
      return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
    };
    const body = Buffer.concat([Buffer.from('WEBP'), chunk('VP8L', Buffer.alloc(5)), chunk('C2PA', C2PA_STORE)]);
    const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), body]);
    riff.writeUInt32LE(body.length, 4);
    expect(hasContentCredentials(riff)).toBe(true);
  });

  it('survives damaged input without throwing', () => {
    const png = withCaBX(makePng(8, 6));
    for (let cut = 0; cut < png.length; cut += 7)
      expect(() => hasContentCredentials(png.subarray(0, cut))).not.toThrow();
  });
});
