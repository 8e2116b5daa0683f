import fc from 'fast-check';
import { MockAgent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { validRequest } from '../__fixtures__/request-arbitraries.js';
import { createPictorClient } from '../client/node-client.js';
import type { PictorClient } from '../client/client.js';
import { PictorError, ValidationError } from '../errors/index.js';
import { imageRequestSchema, type ImageRequest } from './image-request.js';

/** A request broken in one known way, and the field the error must name. */
interface Broken {
  kind: string;
  request: Record<string, unknown>;
  field: string;
  provider: 'together' | 'openai';
}

// No interceptor and no network: any request that reaches the dispatcher fails with a MockNotMatchedError,
// which core would surface as a ConnectionError, never as a ValidationError.
const agent = new MockAgent();
agent.disableNetConnect();
const clients: Record<Broken['provider'], PictorClient> = {
  together: createPictorClient({ provider: 'together', apiKey: 'sk-prop-0000', dispatcher: agent, maxRetries: 0 }),
  openai: createPictorClient({ provider: 'openai', apiKey: 'sk-prop-0000', dispatcher: agent, maxRetries: 0 }),
};
afterAll(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

const SCHEMA_KEYS = new Set(Object.keys(imageRequestSchema.shape));

const base = validRequest().map((r) => {
  // Start from a valid request without a size, so each mutation decides the size fields itself.
  const { size: _s, width: _w, height: _h, aspectRatio: _a, ...rest } = r;
  return rest as Record<string, unknown>;
});

const WRONG_TYPES: Record<string, unknown[]> = {
  prompt: [42, null, true, [], {}],
  model: [5, false, ['m']],
  n: ['3', 1.5, null, true, [1]],
  seed: [1.5, '7', null, {}],
  steps: [2.5, '20', false],
  guidanceScale: ['4', null, Number.NaN, Number.POSITIVE_INFINITY],
  negativePrompt: [1, {}, []],
  outputFormat: [5, null, ['png']],
  responseFormat: [true, 0],
  loras: [{}, 'x', [1], [null]],
  referenceImages: ['https://example.com/a.png', [1], {}],
  imageUrl: [5, 'not a url', ''],
  disableSafetyChecker: ['true', 1, null],
  quality: [1, {}],
  style: [null, 2],
  background: [0, true],
  moderation: [[], 1],
  outputCompression: [50.5, '50', null],
  user: [5, {}],
  providerOptions: [[], 'x', 5, null],
  size: [1024, ['1024x1024'], {}],
  aspectRatio: [16 / 9, '16/9', null],
};

const wrongType = fc
  .constantFrom(...Object.keys(WRONG_TYPES))
  .chain((field) => fc.tuple(fc.constant(field), fc.constantFrom(...WRONG_TYPES[field]!)))
  .map(([field, value]) => ({ kind: 'wrong type', field, patch: { [field]: value } as Record<string, unknown> }));

const outOfRange = fc
  .oneof(
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 129 })).map((n) => ({ field: 'n', patch: { n } })),
    fc
      .oneof(fc.integer({ max: -1 }), fc.integer({ min: 4_294_967_296, max: Number.MAX_SAFE_INTEGER }))
      .map((seed) => ({ field: 'seed', patch: { seed } })),
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 51 })).map((steps) => ({ field: 'steps', patch: { steps } })),
    fc
      .oneof(fc.double({ max: -1e-9, noNaN: true }), fc.double({ min: 100.000001, noNaN: true }))
      .map((g) => ({ field: 'guidanceScale', patch: { guidanceScale: g } })),
    fc
      .oneof(fc.integer({ max: -1 }), fc.integer({ min: 101 }))
      .map((c) => ({ field: 'outputCompression', patch: { outputCompression: c } })),
    fc
      .oneof(fc.integer({ min: -100, max: 63 }), fc.integer({ min: 8193, max: 100_000 }))
      .map((w) => ({ field: 'width', patch: { width: w, height: 512 } })),
    fc
      .oneof(fc.integer({ min: -100, max: 63 }), fc.integer({ min: 8193, max: 100_000 }))
      .map((h) => ({ field: 'height', patch: { width: 512, height: h } })),
    fc
      .oneof(fc.integer({ min: 1, max: 63 }), fc.integer({ min: 8193, max: 99_999 }))
      .map((s) => ({ field: 'size', patch: { size: `${s}x512` } })),
    fc.oneof(fc.double({ max: -10.000001, noNaN: true }), fc.double({ min: 10.000001, noNaN: true })).map((scale) => ({
      field: 'loras.0.scale',
      patch: { loras: [{ path: 'https://example.com/lora', scale }] },
    })),
    fc.constantFrom('', ' ', '\n\t ', 'x'.repeat(32_001)).map((p) => ({ field: 'prompt', patch: { prompt: p } })),
    fc.constantFrom('', '   ').map((model) => ({ field: 'model', patch: { model } })),
  )
  .map((m) => ({ kind: 'out of range', ...m }));

const unknownKey = fc
  .oneof(
    fc.constantFrom(
      'negative_prompt',
      'response_format',
      'image_url',
      'guidance_scale',
      'output_format',
      'Prompt',
      'constructor',
      'toString',
    ),
    fc.string({ minLength: 1, maxLength: 20 }),
  )
  .filter((key) => !SCHEMA_KEYS.has(key) && key !== '__proto__');

const unknownField = fc
  .oneof(
    unknownKey.map((key) => ({ field: key, patch: { [key]: 1 } })),
    // Two unknown fields at once: each must be named.
    fc
      .tuple(unknownKey, unknownKey)
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => ({ field: b, patch: { [a]: true, [b]: 'x' } })),
    // `__proto__` as an own key, as JSON.parse makes it.
    fc.constant({ field: '__proto__', patch: JSON.parse('{"__proto__":{"n":5}}') as Record<string, unknown> }),
    // An unknown key inside a LoRA: named with its path.
    unknownKey.map((key) => ({
      field: `loras.0.${key}`,
      patch: { loras: [{ path: 'https://example.com/lora', scale: 1, [key]: 1 }] },
    })),
  )
  .map((m) => ({ kind: 'unknown field', ...m }));

const ENUMS: Record<string, readonly string[]> = {
  outputFormat: ['png', 'jpeg', 'webp'],
  responseFormat: ['base64', 'url'],
  quality: ['auto', 'low', 'medium', 'high', 'standard', 'hd'],
  style: ['vivid', 'natural'],
  background: ['auto', 'transparent', 'opaque'],
  moderation: ['auto', 'low'],
  aspectRatio: ['1:1', '16:9', '9:16', '3:2', '2:3', '4:3', '3:4'],
};
const badEnum = fc.constantFrom(...Object.keys(ENUMS)).chain((field) =>
  fc
    .oneof(fc.constantFrom('b64_json', 'gif', 'ultra', 'PNG', 'Vivid', '5:4', 'none', ''), fc.string({ maxLength: 12 }))
    .filter((v) => !ENUMS[field]!.includes(v))
    .map((value) => ({ kind: 'bad enum', field, patch: { [field]: value } as Record<string, unknown> })),
);

const SIZE_CONFLICTS: Array<Record<string, unknown>> = [
  { size: '1024x1024', width: 1024, height: 1024 },
  { size: '1024x1024', aspectRatio: '1:1' },
  { aspectRatio: '16:9', width: 1344, height: 768 },
  { size: 'auto', aspectRatio: '1:1', width: 512, height: 512 },
  { size: 'auto', width: 512, height: 512 },
];
const sizeMistakes = fc.oneof(
  fc.constantFrom(...SIZE_CONFLICTS).map((patch) => ({ kind: 'two ways of giving a size', field: 'size', patch })),
  fc.integer({ min: 64, max: 8192 }).map((width) => ({ kind: 'half a size', field: 'height', patch: { width } })),
  fc.integer({ min: 64, max: 8192 }).map((height) => ({ kind: 'half a size', field: 'width', patch: { height } })),
  fc
    .oneof(
      fc.constantFrom('1024', '1024x', 'x1024', '1024*1024', '1024 x 1024', 'big', '16:9', 'AUTO', '-64x64', '1e3x1e3'),
      fc.string({ maxLength: 12 }),
    )
    .filter((s) => !/^\s*\d{1,5}x\d{1,5}\s*$/.test(s) && s !== 'auto')
    .map((size) => ({ kind: 'malformed size', field: 'size', patch: { size } })),
  fc
    .oneof(
      fc.constant('not a url'),
      fc.string({ maxLength: 10 }).filter((s) => !URL.canParse(s)),
    )
    .map((bad) => ({
      kind: 'bad url',
      field: 'referenceImages.1',
      patch: { referenceImages: ['https://example.com/a.png', bad] },
    })),
);

/** Values the target refuses (`model-capabilities.ts`), checked before the network too. */
const capabilityMistakes = fc
  .oneof(
    fc
      .constantFrom('512x512', '256x256', '1536x1024', '1344x768')
      .map((size) => ({ field: 'size', patch: { model: 'dall-e-3', size } })),
    fc.constantFrom('1792x1024', '640x480').map((size) => ({ field: 'size', patch: { model: 'gpt-image-1', size } })),
    fc
      .constantFrom('hd', 'low', 'high')
      .map((quality) => ({ field: 'quality', patch: { model: 'dall-e-2', quality } })),
    fc
      .constantFrom('1000x1000', '4000x1000', '4096x2304')
      .map((size) => ({ field: 'size', patch: { model: 'gpt-image-2', size } })),
  )
  .map((m) => ({ kind: 'refused by the model', provider: 'openai' as const, ...m }));

/** `base` with `patch`'s own keys defined on it (`Object.assign` would set the prototype from a `__proto__` key). */
function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const key of Object.keys(patch)) {
    Object.defineProperty(out, key, { value: patch[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const mutation = fc.oneof(wrongType, outOfRange, unknownField, badEnum, sizeMistakes);

const broken: fc.Arbitrary<Broken> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(base, mutation).map(([request, m]) => ({
      kind: m.kind,
      field: m.field,
      provider: 'together' as const,
      request: merge(request, m.patch),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(base, capabilityMistakes).map(([request, m]) => ({
      kind: m.kind,
      field: m.field,
      provider: m.provider,
      request: { prompt: request.prompt as string, ...m.patch },
    })),
  },
);

describe('invalid requests are rejected before the network, naming the field (property)', () => {
  it('300 generated invalid requests: each a ValidationError with the mutated field among its fields, 0 attempts', async () => {
    const kinds = new Map<string, number>();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(broken, async ({ kind, field, provider, request }) => {
        runs += 1;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        const error = await clients[provider].generate(request as ImageRequest).then(
          () => new Error('the request was accepted'),
          (e: unknown) => e,
        );
        expect(PictorError.isInstance(error), String(error)).toBe(true);
        expect(ValidationError.isInstance(error), String(error)).toBe(true);
        const validation = error as ValidationError;
        // The field itself, or a path inside it (`loras.0` for a LoRA that is not an object).
        const named = validation.fields.some((f) => f === field || f.startsWith(`${field}.`));
        expect(named, `${validation.message} should name ${field}`).toBe(true);
        expect(validation.attempts).toBe(0);
        expect(validation.message).toMatch(/^Invalid request: /);
      }),
      { numRuns: 300 },
    );
    expect(runs).toBeGreaterThanOrEqual(300);
    for (const kind of [
      'wrong type',
      'out of range',
      'unknown field',
      'bad enum',
      'two ways of giving a size',
      'half a size',
      'malformed size',
      'refused by the model',
    ]) {
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
  });
});
