import type { NormalizedRequest } from '../request/image-request.js';
import type { PriceEntry, PriceRule } from './price-table.js';

/** A cost and how it was known. */
export interface Cost {
  /** USD; undefined when the price is unknown (never 0 for "unknown"). */
  usd: number | undefined;
  /** `usage`: from what the provider reported; `estimate`: from the price table before or without it; `unknown`. */
  basis: 'usage' | 'estimate' | 'unknown';
  /** Where the price came from (the price entry's source). */
  source?: string | undefined;
}

export const UNKNOWN_COST: Cost = { usd: undefined, basis: 'unknown' };

/** What one call asks for, as pricing needs it. */
export interface PricedCall {
  n: number;
  /** Pixels of each image; the model's default when the request gives none. */
  width: number;
  height: number;
  quality: string | undefined;
  steps: number | undefined;
  /** Characters of the prompt (text input tokens are estimated at one per four characters). */
  promptChars: number;
  /** Partial images asked for per image (streaming). */
  partialImages: number;
}

/** OpenAI: `auto` quality is billed as what the model picks; an estimate takes the dearest common one, `high`. */
function qualityKey(quality: string | undefined): string {
  return quality === undefined || quality === 'auto' ? 'high' : quality;
}

function lookup(table: Record<string, number>, quality: string | undefined, width: number, height: number) {
  const size = `${width}x${height}`;
  const q = qualityKey(quality);
  return table[`${q}@${size}`] ?? table[size] ?? table[q] ?? table['*'];
}

/**
 * Image-output tokens of one picture of any size, by the formula that reproduces every figure of OpenAI's cost
 * calculator for gpt-image-2 and 2.5 (reconstructed by a third party: OpenAI publishes only the calculator).
 * Cost is not proportional to pixels: a 1536x1024 picture takes fewer tokens than a 1024x1024 one.
 */
function formulaTokens(factor: number, width: number, height: number): number {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const side = Math.floor((2 * factor * short + long) / (2 * long));
  return Math.ceil((factor * side * (2_000_000 + width * height)) / 4_000_000);
}

/** Tokens of a picture from a table: listed, or scaled by area from the same quality at 1024x1024. */
function tableTokens(table: Record<string, number>, quality: string | undefined, width: number, height: number) {
  const listed = lookup(table, quality, width, height);
  if (listed !== undefined) return listed;
  const square = table[`${qualityKey(quality)}@1024x1024`];
  return square === undefined ? undefined : Math.round((square * width * height) / (1024 * 1024));
}

/** The estimated cost of one call under a price rule, in USD, or undefined when the rule has no price for it. */
export function estimateCallUsd(rule: PriceRule, call: PricedCall): number | undefined {
  switch (rule.kind) {
    case 'per-image': {
      const megapixels = (call.width * call.height) / 1_000_000;
      const tier = rule.tiers?.find((t) => megapixels <= t.maxMegapixels);
      const each = tier ? tier.usd : lookup(rule.usd, call.quality, call.width, call.height);
      return each === undefined ? undefined : each * call.n;
    }
    case 'per-megapixel': {
      const megapixels = (call.width * call.height) / 1_000_000;
      const steps = rule.defaultSteps && call.steps ? Math.max(1, call.steps / rule.defaultSteps) : 1;
      return megapixels * rule.usdPerMegapixel * steps * call.n;
    }
    case 'per-token': {
      const m = rule.usdPerMillion;
      const text = (Math.ceil(call.promptChars / 4) * m.textInput) / 1_000_000;
      const partials = (call.partialImages * (rule.partialImageTokens ?? 0) * m.imageOutput * call.n) / 1_000_000;
      const published = rule.perImageUsd && lookup(rule.perImageUsd, call.quality, call.width, call.height);
      if (published !== undefined) return published * call.n + text + partials;
      const factor = rule.outputTokenFactors?.[qualityKey(call.quality)];
      const tokens =
        factor !== undefined
          ? formulaTokens(factor, call.width, call.height)
          : rule.outputTokens && tableTokens(rule.outputTokens, call.quality, call.width, call.height);
      if (tokens === undefined) return undefined;
      return (tokens * m.imageOutput * call.n) / 1_000_000 + text + partials;
    }
  }
}

/** The cost of a call from the `usage` its answer reported, where the rule is per token and the usage says enough. */
export function usageCallUsd(rule: PriceRule, usage: Record<string, unknown> | undefined): number | undefined {
  if (rule.kind !== 'per-token' || !usage) return undefined;
  const num = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  if (input === undefined || output === undefined) return undefined;
  const details = (usage.input_tokens_details ?? {}) as Record<string, unknown>;
  const imageIn = num(details.image_tokens) ?? 0;
  const textIn = num(details.text_tokens) ?? Math.max(0, input - imageIn);
  const m = rule.usdPerMillion;
  // Output is image tokens, unless the answer splits out text tokens (billed at the text-output rate).
  const outDetails = (usage.output_tokens_details ?? {}) as Record<string, unknown>;
  const textOut = m.textOutput === undefined ? 0 : (num(outDetails.text_tokens) ?? 0);
  const imageOut = num(outDetails.image_tokens) ?? Math.max(0, output - textOut);
  const textOutUsd = textOut * (m.textOutput ?? 0);
  return (textIn * m.textInput + imageIn * m.imageInput + imageOut * m.imageOutput + textOutUsd) / 1_000_000;
}

/** What a request's calls look like to pricing. */
export function pricedCall(
  request: NormalizedRequest,
  n: number,
  defaultSize = { width: 1024, height: 1024 },
): PricedCall {
  return {
    n,
    width: request.width ?? defaultSize.width,
    height: request.height ?? defaultSize.height,
    quality: request.quality,
    steps: request.steps,
    promptChars: request.prompt.length,
    partialImages: request.stream ? (request.partialImages ?? 0) : 0,
  };
}

/** A call's cost: from `usage` where the rule allows, else the estimate, else unknown. */
export function callCost(
  price: PriceEntry | undefined,
  call: PricedCall,
  usage: Record<string, unknown> | undefined,
): Cost {
  if (!price) return UNKNOWN_COST;
  const fromUsage = usageCallUsd(price.rule, usage);
  if (fromUsage !== undefined) return { usd: fromUsage, basis: 'usage', source: price.source };
  const estimate = estimateCallUsd(price.rule, call);
  return estimate === undefined ? UNKNOWN_COST : { usd: estimate, basis: 'estimate', source: price.source };
}
