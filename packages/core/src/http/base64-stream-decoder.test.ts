import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64StreamDecoder } from './base64-stream-decoder.js';
import { ResponseValidationError } from '../errors/index.js';

/** Decodes `text` pushed in pieces cut at the given offsets. */
function decodeInPieces(text: string, cuts: number[]): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  const decoder = new Base64StreamDecoder();
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    decoder.push(bytes.subarray(start, cut));
    start = cut;
  }
  decoder.push(bytes.subarray(start));
  return decoder.end();
}

function everyCut(text: string): number[][] {
  const single = Array.from({ length: text.length + 1 }, (_, i) => [i]);
  const pairs: number[][] = [];
  for (let i = 0; i <= text.length; i++) for (let j = i; j <= text.length; j++) pairs.push([i, j]);
  return [...single, ...pairs];
}

function decodeError(text: string, cuts: number[] = []): ResponseValidationError {
  try {
    decodeInPieces(text, cuts);
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseValidationError);
    return error as ResponseValidationError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('Base64StreamDecoder', () => {
  it('matches Buffer.from(text, "base64") for random bytes under random chunkings, padded or not', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (bytes, rawCuts, stripPadding) => {
          let text = Buffer.from(bytes).toString('base64');
          if (stripPadding) text = text.replace(/=+$/, '');
          const cuts = rawCuts.map((c) => c % (text.length + 1));
          expect(decodeInPieces(text, cuts).equals(Buffer.from(text, 'base64'))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['', ''],
    ['Zg==', 'f'],
    ['Zg', 'f'],
    ['Zm8=', 'fo'],
    ['Zm8', 'fo'],
    ['Zm9v', 'foo'],
    ['Zm9vYg==', 'foob'],
    ['Zm9vYmE=', 'fooba'],
    ['Zm9vYmFy', 'foobar'],
    ['+/+/', '\xfb\xff\xbf'],
  ])('decodes %j at every one and two split points (inside quanta, before and inside padding)', (text, plain) => {
    for (const cuts of everyCut(text)) {
      expect(decodeInPieces(text, cuts).toString('latin1')).toBe(plain);
    }
  });

  it('decodes one byte at a time', () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));
    const text = bytes.toString('base64');
    const cuts = Array.from({ length: text.length }, (_, i) => i);
    expect(decodeInPieces(text, cuts).equals(bytes)).toBe(true);
  });

  it('decodes a large value pushed in 64 KiB chunks', () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 1, 0xa5);
    const text = bytes.toString('base64');
    const cuts = Array.from({ length: Math.floor(text.length / 65_536) }, (_, i) => (i + 1) * 65_536);
    expect(decodeInPieces(text, cuts).equals(bytes)).toBe(true);
  });

  it('accepts any Uint8Array, not only Buffers', () => {
    const decoder = new Base64StreamDecoder();
    decoder.push(new TextEncoder().encode('aGVsbG8'));
    expect(decoder.end().toString()).toBe('hello');
  });

  it.each([
    ['a character outside the alphabet', 'Zm9v.mFy', 4],
    ['the URL-safe "-"', 'Zm9v-mFy', 4],
    ['the URL-safe "_"', 'Zm9v_mFy', 4],
    ['a space', 'Zm9v YmFy', 4],
    ['a raw newline', 'Zm9v\nYmFy', 4],
    ['a non-ASCII byte', 'Zm9v\xffmFy', 4],
    ['a NUL byte', 'Zm9v\x00mFy', 4],
    ['a bad character in a long aligned span', `${'A'.repeat(4000)}*${'A'.repeat(3999)}`, 4000],
  ])('rejects %s under every chunking', (_name, text, offset) => {
    for (const cuts of text.length < 20 ? everyCut(text) : [[], [1], [4001], [3000, 5000]]) {
      const error = decodeError(text, cuts);
      expect(error.message).toMatch(/^invalid base64 in b64_json/);
      expect(error.message).toContain(`at offset ${offset}`);
      expect(error.isRetryable).toBe(false);
    }
  });

  it('rejects every byte outside the alphabet wherever it sits in a long span', () => {
    const alphabet = new Set(Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'));
    const valid = Buffer.from(Buffer.alloc(49_152, 0x5a).toString('base64'));
    for (let byte = 0; byte < 256; byte++) {
      if (alphabet.has(byte) || byte === 0x3d) continue;
      for (const at of [0, 1, 2, 3, 31, 32, 33, 4095, 65_535]) {
        const text = Buffer.from(valid);
        text[at] = byte;
        const decoder = new Base64StreamDecoder();
        expect(() => decoder.push(text), `byte 0x${byte.toString(16)} at ${at}`).toThrow(`at offset ${at}`);
      }
    }
  });

  it.each([
    ['"=" inside the data', 'Zg==Zm9v'],
    ['"=" at a quantum start', 'Zm9v='],
    ['"=" after one character', 'Zm9vY='],
    ['too much padding', 'Zg==='],
    ['"=" alone', '='],
    ['padding that does not complete the quantum', 'Zg='],
    ['a lone trailing character', 'Zm9vY'],
    ['a lone character', 'Z'],
  ])('rejects %s under every chunking', (_name, text) => {
    for (const cuts of everyCut(text)) {
      expect(decodeError(text, cuts).message).toMatch(/^invalid base64 in b64_json/);
    }
  });

  it('carries the request id and status onto its errors', () => {
    const decoder = new Base64StreamDecoder({ requestId: 'req_1', status: 200 });
    expect(() => decoder.push(Buffer.from('Zm9v!'))).toThrow(
      expect.objectContaining({ requestId: 'req_1', status: 200, isRetryable: false }),
    );
  });

  it('refuses to be used after end()', () => {
    const decoder = new Base64StreamDecoder();
    decoder.end();
    expect(() => decoder.push(Buffer.from('Zm9v'))).toThrow(/after end/);
    expect(() => decoder.end()).toThrow(/twice/);
  });
});
