import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sniffMediaType } from './sniff-media-type.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url));

describe('sniffMediaType', () => {
  it.each([
    ['tiny-3x2.png', 'image/png', 'png'],
    ['tiny-3x2.jpg', 'image/jpeg', 'jpg'],
    ['tiny-3x2-lossy.webp', 'image/webp', 'webp'],
    ['tiny-3x2-lossless.webp', 'image/webp', 'webp'],
    ['tiny-3x2-alpha.webp', 'image/webp', 'webp'],
    ['tiny-3x2.gif', 'image/gif', 'gif'],
  ])('recognises %s', (name, mediaType, extension) => {
    expect(sniffMediaType(fixture(name))).toEqual({ mediaType, extension });
  });

  it('recognises a GIF87a header and works on plain Uint8Arrays', () => {
    expect(sniffMediaType(new TextEncoder().encode('GIF87a\x03\x00'))).toEqual({
      mediaType: 'image/gif',
      extension: 'gif',
    });
  });

  it('needs only the magic bytes', () => {
    expect(sniffMediaType(fixture('tiny-3x2.png').subarray(0, 8))?.extension).toBe('png');
    expect(sniffMediaType(Uint8Array.of(0xff, 0xd8, 0xff))?.extension).toBe('jpg');
    expect(sniffMediaType(fixture('tiny-3x2-lossy.webp').subarray(0, 12))?.extension).toBe('webp');
  });

  it.each([
    ['empty input', Buffer.alloc(0)],
    ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a])],
    ['a PNG signature with a wrong byte', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00])],
    ['two JPEG bytes', Buffer.from([0xff, 0xd8])],
    ['a RIFF that is not WebP (WAV)', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')],
    ['RIFF without a form type', Buffer.from('RIFF\x24\x00\x00\x00WEB', 'latin1')],
    ['GIF90a', Buffer.from('GIF90a', 'latin1')],
    ['JSON', Buffer.from('{"error":"expired"}')],
    ['HTML', Buffer.from('<!DOCTYPE html><html>')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['base64 text of a PNG', Buffer.from(fixture('tiny-3x2.png').toString('base64'))],
    ['a BMP', Buffer.from('BM\x3a\x00\x00\x00', 'latin1')],
  ])('returns undefined for %s', (_name, bytes) => {
    expect(sniffMediaType(bytes)).toBeUndefined();
  });
});
