import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizedRequest } from '../request/image-request.js';
import { requestKey } from './manifest.js';

// The key as it was computed before compareKeys: every manifest written so far holds keys of this form.
function canonicalWithLocaleCompare(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalWithLocaleCompare);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonicalWithLocaleCompare(v)]),
    );
  }
  return value;
}
function keyWithLocaleCompare(provider: string, model: string, request: NormalizedRequest): string {
  const text = JSON.stringify(canonicalWithLocaleCompare({ provider, model, request: { ...request, model } }));
  return createHash('sha256').update(text).digest('hex');
}

// Letters of both cases, digits, a few others (those go through localeCompare): short keys collide often.
const keyChar = fc.constantFrom(...'aAbBzZ09_-é'.split(''));
const key = fc.string({ unit: keyChar, maxLength: 4 });
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(undefined)),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.dictionary(key, tie('node'), { maxKeys: 6 }),
    fc.array(tie('node'), { maxLength: 3 }),
  ),
})).node;

describe('requestKey', () => {
  it('sorts keys as localeCompare does: keys of existing manifests still match', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (providerOptions) => {
        const request = { prompt: 'p', n: 1, providerOptions, aspectRatio: undefined } as unknown as NormalizedRequest;
        expect(requestKey('together', 'm', request)).toBe(keyWithLocaleCompare('together', 'm', request));
      }),
      { numRuns: 2000 },
    );
  });

  it('the keys of every request field', () => {
    const request = Object.fromEntries(
      [
        'prompt',
        'n',
        'width',
        'height',
        'autoSize',
        'aspectRatio',
        'seed',
        'steps',
        'guidanceScale',
        'negativePrompt',
        'outputFormat',
        'responseFormat',
        'loras',
        'referenceImages',
        'imageUrl',
        'disableSafetyChecker',
        'quality',
        'style',
        'background',
        'moderation',
        'outputCompression',
        'user',
        'providerOptions',
      ].map((k, i) => [k, i]),
    ) as unknown as NormalizedRequest;
    expect(requestKey('openai', 'gpt-image-1', request)).toBe(keyWithLocaleCompare('openai', 'gpt-image-1', request));
  });
});
