import type { PriceEntry, PriceRule } from './price-table.js';

/** When these prices were read. Providers change them: pass `prices` to override any entry. */
export const PRICES_DATE = '2026-11-30';

const SIZES = ['1024x1024', '1024x1536', '1536x1024'] as const;

/** A per-image table by quality, for OpenAI's three standard sizes (square first, then both 1536-sided ones). */
function byQualityAndSize(table: Record<string, [number, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [quality, [square, oblong]] of Object.entries(table)) {
    for (const size of SIZES) out[`${quality}@${size}`] = size === '1024x1024' ? square : oblong;
  }
  return out;
}

/** OpenAI's token rates: text in, image in, image out (and text out), per million. */
function tokens(
  textInput: number,
  imageInput: number,
  imageOutput: number,
  estimate: Omit<Extract<PriceRule, { kind: 'per-token' }>, 'kind' | 'usdPerMillion'>,
  textOutput?: number,
): PriceRule {
  return {
    kind: 'per-token',
    usdPerMillion: { textInput, imageInput, imageOutput, ...(textOutput === undefined ? {} : { textOutput }) },
    partialImageTokens: 100, // "Each streamed partial image adds 100 image output tokens" (image-generation guide)
    ...estimate,
  };
}

const perMegapixel = (usdPerMegapixel: number, defaultSteps?: number): PriceRule => ({
  kind: 'per-megapixel',
  usdPerMegapixel,
  ...(defaultSteps ? { defaultSteps } : {}),
});
const perImage = (usd: number): PriceRule => ({ kind: 'per-image', usd: { '*': usd } });

const OPENAI = ['*'] as const; // by model id: OpenAI itself, and gateways routing its models at (at least) its price
const TOGETHER = ['together', 'sandbox'] as const; // the sandbox is priced as Together, the provider it stands in for

const OPENAI_MODELS = 'developers.openai.com/api/docs/models/<model> (price blocks), read 2026-11';
const OPENAI_3P = 'gpt-image-2 and 1.5 rates: fal.ai model pages and litellm model_prices (third-party), read 2026-11';
const OPENAI_FORMULA =
  'output tokens by size: the community formula matching OpenAI’s cost calculator (community.openai.com/t/1382699, 2026-06)';
const DALL_E = 'OpenAI’s DALL·E prices (unchanged since 2023-11; the models were retired on 2026-05-12)';
const TOGETHER_MODELS = 'docs.together.ai/docs/serverless-models ("Image models", price per MP), read 2026-11';
const TOGETHER_OLD = 'docs.together.ai/docs/serverless-models, an earlier 2026 copy (the model has left the list)';

/**
 * Pictor's built-in prices (USD), dated {@link PRICES_DATE}, each with where it was read. The sandbox charges
 * nothing but is priced as the provider it stands in for, so budgets and dry runs can be tried offline. A model not
 * here has an "unknown" cost (never 0) until `prices` gives it one.
 */
export const DEFAULT_PRICES: readonly PriceEntry[] = [
  // OpenAI, per token. Cached input does not apply to the Images API; per-image figures are OpenAI's own estimates.
  {
    providers: OPENAI,
    model: 'gpt-image-2*',
    rule: tokens(5, 8, 30, { outputTokenFactors: { low: 16, medium: 48, high: 96 } }, 10),
    source: `${OPENAI_3P}; ${OPENAI_FORMULA}`,
  },
  {
    providers: OPENAI,
    model: 'gpt-image-2.5*',
    rule: tokens(5, 8, 30, { outputTokenFactors: { low: 16, medium: 24, high: 48, xhigh: 64, max: 96 } }),
    source: `OpenAI image-generation pricing as read from its calculator (third-party reference, 2026-09-30); ${OPENAI_FORMULA}`,
  },
  {
    providers: OPENAI,
    model: 'gpt-image-2.6*',
    // Its `complexity` setting is not modelled: estimated as 2.5 at the same quality.
    rule: tokens(5, 8, 30, { outputTokenFactors: { low: 16, medium: 24, high: 48, xhigh: 64, max: 96 } }),
    source: `${OPENAI_MODELS} (gpt-image-2.6-sunburst)`,
  },
  {
    providers: OPENAI,
    model: 'gpt-image-1.5*',
    rule: tokens(
      5,
      8,
      32,
      { perImageUsd: byQualityAndSize({ low: [0.009, 0.013], medium: [0.034, 0.05], high: [0.133, 0.2] }) },
      10,
    ),
    source: OPENAI_3P,
  },
  {
    providers: OPENAI,
    model: 'chatgpt-image-latest',
    rule: tokens(
      5,
      8,
      32,
      { perImageUsd: byQualityAndSize({ low: [0.009, 0.013], medium: [0.034, 0.05], high: [0.133, 0.2] }) },
      10,
    ),
    source: `as gpt-image-1.5 (${OPENAI_3P})`,
  },
  {
    providers: OPENAI,
    model: 'gpt-image-1-mini*',
    rule: tokens(2, 2.5, 8, {
      perImageUsd: byQualityAndSize({ low: [0.005, 0.006], medium: [0.011, 0.015], high: [0.036, 0.052] }),
    }),
    source: `${OPENAI_MODELS} (gpt-image-1-mini)`,
  },
  {
    providers: OPENAI,
    model: 'gpt-image-1',
    rule: tokens(5, 10, 40, {
      perImageUsd: byQualityAndSize({ low: [0.011, 0.016], medium: [0.042, 0.063], high: [0.167, 0.25] }),
    }),
    source: `${OPENAI_MODELS} (gpt-image-1, shut down on 2026-10-23)`,
  },
  {
    providers: OPENAI,
    model: 'dall-e-3',
    rule: {
      kind: 'per-image',
      usd: {
        'standard@1024x1024': 0.04,
        'standard@1792x1024': 0.08,
        'standard@1024x1792': 0.08,
        'hd@1024x1024': 0.08,
        'hd@1792x1024': 0.12,
        'hd@1024x1792': 0.12,
        // `auto` (and no quality) is priced as hd: the dearer of the two, so a budget errs on the safe side.
        'high@1024x1024': 0.08,
        'high@1792x1024': 0.12,
        'high@1024x1792': 0.12,
      },
    },
    source: DALL_E,
  },
  {
    providers: OPENAI,
    model: 'dall-e-2',
    rule: { kind: 'per-image', usd: { '256x256': 0.016, '512x512': 0.018, '1024x1024': 0.02 } },
    source: DALL_E,
  },

  // Together, per megapixel (W × H / 1,000,000): "For FLUX models (excluding pro models) … the cost increases
  // proportionally" above the default steps, so only those carry `defaultSteps`.
  {
    providers: TOGETHER,
    model: 'black-forest-labs/FLUX.1-schnell',
    rule: perMegapixel(0.0027, 4),
    source: TOGETHER_OLD,
  },
  {
    providers: TOGETHER,
    model: 'black-forest-labs/FLUX.1-schnell-Free',
    rule: perMegapixel(0.0027, 4),
    source: `${TOGETHER_OLD} (priced as the paid schnell: the free tier's limits are not a price)`,
  },
  {
    providers: TOGETHER,
    model: 'black-forest-labs/FLUX.1-dev',
    rule: perMegapixel(0.025, 28),
    source: 'third-party (a 2026 integration’s price comment); Together no longer lists the model',
  },
  {
    providers: TOGETHER,
    model: 'black-forest-labs/FLUX.1-pro',
    rule: perMegapixel(0.05),
    source: 'third-party (a 2026 integration’s price comment); Together no longer lists the model',
  },
  { providers: TOGETHER, model: 'black-forest-labs/FLUX.1.1-pro', rule: perMegapixel(0.04), source: TOGETHER_MODELS },
  {
    providers: TOGETHER,
    model: 'black-forest-labs/FLUX.1-krea-dev',
    rule: perMegapixel(0.025, 28),
    source: TOGETHER_OLD,
  },
  {
    providers: TOGETHER,
    model: 'black-forest-labs/FLUX.1-kontext-pro',
    rule: perMegapixel(0.04),
    source: TOGETHER_MODELS,
  },
  {
    providers: TOGETHER,
    model: 'black-forest-labs/FLUX.1-kontext-max',
    rule: perMegapixel(0.08),
    source: TOGETHER_MODELS,
  },
  { providers: TOGETHER, model: 'black-forest-labs/FLUX.2-pro', rule: perMegapixel(0.03), source: TOGETHER_MODELS },
  { providers: TOGETHER, model: 'black-forest-labs/FLUX.2-flex', rule: perMegapixel(0.03), source: TOGETHER_MODELS },
  { providers: TOGETHER, model: 'black-forest-labs/FLUX.2-dev', rule: perMegapixel(0.0154), source: TOGETHER_MODELS },
  { providers: TOGETHER, model: 'black-forest-labs/FLUX.2-max', rule: perMegapixel(0.07), source: TOGETHER_MODELS },
  { providers: TOGETHER, model: 'ByteDance-Seed/Seedream-3.0', rule: perMegapixel(0.018), source: TOGETHER_MODELS },
  { providers: TOGETHER, model: 'ByteDance-Seed/Seedream-4.0', rule: perMegapixel(0.03), source: TOGETHER_MODELS },
  { providers: TOGETHER, model: 'Qwen/Qwen-Image', rule: perMegapixel(0.0058), source: TOGETHER_MODELS },
  { providers: TOGETHER, model: 'Qwen/Qwen-Image-2.0', rule: perMegapixel(0.035), source: TOGETHER_MODELS },
  { providers: TOGETHER, model: 'Qwen/Qwen-Image-2.0-Pro', rule: perMegapixel(0.075), source: TOGETHER_MODELS },
  // Google's (and OpenAI's) models sit in the same column, but their prices are per image (Together's own prose for
  // Gemini 3 Pro: "1080p and 2K: $0.134/image. 4K resolution: $0.24/image").
  {
    providers: TOGETHER,
    model: 'google/gemini-3-pro-image',
    rule: { kind: 'per-image', usd: { '*': 0.24 }, tiers: [{ maxMegapixels: 4.2, usd: 0.134 }] },
    source: TOGETHER_MODELS,
  },
  {
    providers: TOGETHER,
    model: 'google/flash-image-2.5',
    rule: perImage(0.039),
    source: `${TOGETHER_MODELS}, read per image`,
  },
  {
    providers: TOGETHER,
    model: 'google/imagen-4.0-preview',
    rule: perImage(0.04),
    source: `${TOGETHER_MODELS}, read per image`,
  },
  {
    providers: TOGETHER,
    model: 'google/imagen-4.0-fast',
    rule: perImage(0.02),
    source: `${TOGETHER_MODELS}, read per image`,
  },
  {
    providers: TOGETHER,
    model: 'google/imagen-4.0-ultra',
    rule: perImage(0.06),
    source: `${TOGETHER_MODELS}, read per image`,
  },
  {
    providers: TOGETHER,
    model: 'openai/gpt-image-2',
    rule: perImage(0.053),
    source: `${TOGETHER_MODELS}, read per image`,
  },
  {
    providers: TOGETHER,
    model: 'openai/gpt-image-1.5',
    rule: perImage(0.034),
    source: `${TOGETHER_MODELS}, read per image`,
  },
];
