import fc from 'fast-check';
import { ASPECT_RATIO_NAMES } from '../request/aspect-ratios.js';
import type { ImageRequest } from '../request/image-request.js';
import type { ProviderName } from '../request/providers.js';

/** A prompt the schema accepts: 1–300 graphemes (any script, emoji, controls), not only whitespace. */
export const prompt = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }).filter((s) => s.trim().length > 0);

/** A model id the schema accepts (trimmed, non-empty). */
export const anyModel = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);

const side = fc.integer({ min: 64, max: 8192 });
/** Sizes the providers list, plus any divisible by 16 within the GPT image 2 limits, plus any at all. */
const sizeText = fc.oneof(
  fc.constantFrom('256x256', '512x512', '1024x1024', '1536x1024', '1024x1536', '1792x1024', '1024x1792', '1344x768'),
  fc.tuple(fc.integer({ min: 4, max: 240 }), fc.integer({ min: 4, max: 135 })).map(([w, h]) => `${w * 16}x${h * 16}`),
  fc.tuple(side, side).map(([w, h]) => `${w}x${h}`),
  fc.constant('auto'),
);

/** One of the three ways of giving a size, or none. */
const sizeWay: fc.Arbitrary<Partial<ImageRequest>> = fc.oneof(
  fc.constant({}),
  sizeText.map((size) => ({ size })),
  fc.tuple(side, side).map(([width, height]) => ({ width, height })),
  fc.constantFrom(...ASPECT_RATIO_NAMES).map((aspectRatio) => ({ aspectRatio })),
);

const webUrl = fc.webUrl({ withQueryParameters: true });

/** Every optional field of a request, each present or absent, every value within the schema. */
const optionalFields = fc.record(
  {
    n: fc.integer({ min: 1, max: 40 }),
    seed: fc.integer({ min: 0, max: 4_294_967_295 }),
    steps: fc.integer({ min: 1, max: 50 }),
    guidanceScale: fc.double({ min: 0, max: 100, noNaN: true }),
    negativePrompt: fc.string({ maxLength: 80 }),
    outputFormat: fc.constantFrom('png', 'jpeg', 'webp'),
    responseFormat: fc.constantFrom('base64', 'url'),
    loras: fc.array(fc.record({ path: fc.oneof(webUrl, fc.string({ minLength: 1 })), scale: fc.double({ min: -10, max: 10, noNaN: true }) }), {
      maxLength: 3,
    }),
    referenceImages: fc.array(webUrl, { maxLength: 3 }),
    imageUrl: webUrl,
    disableSafetyChecker: fc.boolean(),
    quality: fc.constantFrom('auto', 'low', 'medium', 'high', 'standard', 'hd'),
    style: fc.constantFrom('vivid', 'natural'),
    background: fc.constantFrom('auto', 'transparent', 'opaque'),
    moderation: fc.constantFrom('auto', 'low'),
    outputCompression: fc.integer({ min: 0, max: 100 }),
    user: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Partial<ImageRequest>>;

/** Any request the schema accepts, without `providerOptions` (raw wire fields the caller vouches for). */
export function validRequest(model: fc.Arbitrary<string | undefined> = fc.constant(undefined)): fc.Arbitrary<ImageRequest> {
  return fc.tuple(prompt, model, sizeWay, optionalFields).map(([p, m, size, rest]) => ({
    prompt: p,
    ...(m === undefined ? {} : { model: m }),
    ...size,
    ...rest,
  }));
}

/** Known models per provider, and any other id (the provider may host models Pictor has never heard of). */
export const MODELS: Record<Exclude<ProviderName, 'custom'>, string[]> = {
  together: ['black-forest-labs/FLUX.1-schnell', 'black-forest-labs/FLUX.1.1-pro', 'black-forest-labs/FLUX.1-kontext-pro'],
  sandbox: ['black-forest-labs/FLUX.1-schnell'],
  openai: ['dall-e-2', 'dall-e-3', 'gpt-image-1', 'gpt-image-1-mini', 'gpt-image-1.5', 'gpt-image-2', 'gpt-image-2-2026-04-21'],
  r9s: ['dall-e-2', 'dall-e-3', 'gpt-image-1', 'gpt-image-1.5', 'gpt-4o-mini'],
  'ai-stats': ['openai/gpt-image-1', 'openai/dall-e-3', 'openai/dall-e-2', 'black-forest-labs/flux-1-schnell'],
};
