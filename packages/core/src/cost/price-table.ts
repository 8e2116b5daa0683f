import * as z from 'zod/v4/mini';
import type { ProviderName } from '../request/providers.js';

/**
 * How a model is billed. Prices in USD.
 * - `per-image`: a price per image by `quality@WxH`, `WxH` or `quality` (the most specific key found wins), or `*`;
 *   `tiers` price by size instead (the first tier whose megapixels the image does not pass).
 * - `per-megapixel`: Together's rule: width × height / 1,000,000 × the price; above `defaultSteps` (where set),
 *   proportionally more ("if you use fewer steps, the cost does not decrease").
 * - `per-token`: per million tokens of text and image input and of image (and text) output, as OpenAI bills its GPT
 *   image models. After a call the reported `usage` gives the cost; before it, an estimate from a published per-image
 *   price (`perImageUsd`), else OpenAI's size formula (`outputTokenFactors`), else a token table (`outputTokens`,
 *   other sizes scaled by area).
 */
export type PriceRule =
  | {
      kind: 'per-image';
      usd: Record<string, number>;
      tiers?: Array<{ maxMegapixels: number; usd: number }> | undefined;
    }
  | { kind: 'per-megapixel'; usdPerMegapixel: number; defaultSteps?: number | undefined }
  | {
      kind: 'per-token';
      usdPerMillion: { textInput: number; imageInput: number; imageOutput: number; textOutput?: number | undefined };
      perImageUsd?: Record<string, number> | undefined;
      outputTokenFactors?: Record<string, number> | undefined;
      outputTokens?: Record<string, number> | undefined;
      /** Image-output tokens each streamed partial image adds (OpenAI: 100). */
      partialImageTokens?: number | undefined;
    };

/** One price: which providers and models it is for, the rule, and where it was read. */
export interface PriceEntry {
  /** Providers it applies to; `*` any. */
  providers: ReadonlyArray<ProviderName | '*'>;
  /** A model id, or a prefix ending in `*` (matched case-insensitively). */
  model: string;
  rule: PriceRule;
  /** The public page or file the price comes from, and when it was read. */
  source?: string | undefined;
}

const usd = z.number().check(z.minimum(0), z.maximum(1000));
const tokens = z.record(z.string(), z.number().check(z.minimum(0)));
const priceRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('per-image'),
    usd: z.record(z.string(), usd),
    tiers: z.optional(z.array(z.strictObject({ maxMegapixels: z.number().check(z.positive()), usd }))),
  }),
  z.strictObject({
    kind: z.literal('per-megapixel'),
    usdPerMegapixel: usd,
    defaultSteps: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1000))),
  }),
  z.strictObject({
    kind: z.literal('per-token'),
    usdPerMillion: z.strictObject({ textInput: usd, imageInput: usd, imageOutput: usd, textOutput: z.optional(usd) }),
    perImageUsd: z.optional(z.record(z.string(), usd)),
    outputTokenFactors: z.optional(tokens),
    outputTokens: z.optional(tokens),
    partialImageTokens: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
]);

/** A price table as users write it (an option of the client, a JSON file for the CLI and the Action). */
export const priceEntriesSchema = z.array(
  z.strictObject({
    providers: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    model: z.string().check(z.minLength(1), z.maxLength(256)),
    rule: priceRuleSchema,
    source: z.optional(z.string().check(z.maxLength(1000))),
  }),
);

/**
 * How well an entry matches a model: 0 not at all; an exact id beats a prefix, a longer prefix a shorter one. A
 * gateway's `vendor/model` id (AI Stats' `openai/gpt-image-2`) matches an entry written without the vendor.
 */
function score(entry: PriceEntry, provider: ProviderName, model: string): number {
  if (!entry.providers.includes('*') && !entry.providers.includes(provider)) return 0;
  const want = entry.model.toLowerCase();
  const id = model.toLowerCase();
  const ids = want.includes('/') ? [id] : [id, id.slice(id.lastIndexOf('/') + 1)];
  if (want.endsWith('*')) return ids.some((i) => i.startsWith(want.slice(0, -1))) ? want.length : 0;
  return ids.includes(want) ? 10_000 : 0;
}

/** Matches found, per user table and defaults table: every call looks its price up, most with the same model. */
const found = new WeakMap<readonly PriceEntry[], WeakMap<readonly PriceEntry[], Map<string, PriceEntry | null>>>();

/**
 * The price of a model: the best match in `own` (the user's), else in `defaults`. Undefined when nobody knows:
 * the cost is then "unknown", never 0.
 */
export function priceFor(
  provider: ProviderName,
  model: string,
  own: readonly PriceEntry[],
  defaults: readonly PriceEntry[],
): PriceEntry | undefined {
  let byDefaults = found.get(own);
  if (!byDefaults) found.set(own, (byDefaults = new WeakMap()));
  let byModel = byDefaults.get(defaults);
  if (!byModel) byDefaults.set(defaults, (byModel = new Map()));
  const key = `${provider}\n${model}`;
  let entry = byModel.get(key);
  if (entry === undefined) byModel.set(key, (entry = match(provider, model, own, defaults) ?? null));
  return entry ?? undefined;
}

function match(
  provider: ProviderName,
  model: string,
  own: readonly PriceEntry[],
  defaults: readonly PriceEntry[],
): PriceEntry | undefined {
  for (const table of [own, defaults]) {
    let best: PriceEntry | undefined;
    let bestScore = 0;
    for (const entry of table) {
      const s = score(entry, provider, model);
      if (s > bestScore) [best, bestScore] = [entry, s];
    }
    if (best) return best;
  }
  return undefined;
}
