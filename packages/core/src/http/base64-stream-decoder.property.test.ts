import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64StreamDecoder } from './base64-stream-decoder.js';
import { ResponseValidationError } from '../errors/index.js';

// base64-stream-decoder.test.ts proves the decoder equals Buffer.from(…, 'base64') on valid text under any
// chunking, and rejects a list of known-bad texts. This adds the other half as a property: on ANY text (mostly
// near-base64: alphabet, "=", URL-safe and stray characters) cut ANYWHERE, the decoder either returns exactly
// what Buffer.from returns, when the text is strict base64, or raises ResponseValidationError, when it is not.

/** Strict base64 as the decoder documents it: the alphabet, optional padding completing the last quantum. */
function isStrictBase64(text: string): boolean {
  const match = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(text);
  if (!match) return false;
  const data = match[1]!.length;
  const pad = match[2]!.length;
  if (data % 4 === 1) return false;
  return pad === 0 || (data + pad) % 4 === 0;
}

const nearBase64 = fc.oneof(
  fc.string({
    unit: fc.constantFrom(...'AZaz09+/='.split(''), 'Q', 'g', 'w', '-', '_', ' ', '\n', '*', '\u00e9'),
    maxLength: 40,
  }),
  fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString('base64')),
  fc
    .tuple(fc.uint8Array({ maxLength: 60 }), fc.nat(), fc.constantFrom('=', '-', '_', '!', ' ', '==', 'A'))
    .map(([b, at, ch]) => {
      const text = Buffer.from(b).toString('base64');
      const i = at % (text.length + 1);
      return text.slice(0, i) + ch + text.slice(i);
    }),
);

function decode(text: string, cuts: number[]): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const decoder = new Base64StreamDecoder();
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    decoder.push(bytes.subarray(start, cut));
    start = cut;
  }
  decoder.push(bytes.subarray(start));
  return decoder.end();
}

describe('Base64StreamDecoder on any text under any chunking (property)', () => {
  it('returns Buffer.from(text, "base64") for strict base64 and raises ResponseValidationError for anything else', () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(nearBase64, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        let out: Buffer | undefined;
        let error: unknown;
        try {
          out = decode(text, cuts);
        } catch (e) {
          error = e;
        }
        if (isStrictBase64(text)) {
          valid += 1;
          expect(error).toBeUndefined();
          expect(out!.equals(Buffer.from(text, 'base64'))).toBe(true);
        } else {
          invalid += 1;
          expect(
            ResponseValidationError.isInstance(error),
            `${JSON.stringify(text)} gave ${String(error ?? out?.toString('hex'))}`,
          ).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(valid).toBeGreaterThan(300);
    expect(invalid).toBeGreaterThan(300);
  });
});
