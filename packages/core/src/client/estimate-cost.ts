import { DEFAULT_PRICES } from '../cost/default-prices.js';
import { estimateCallUsd, pricedCall, type Cost } from '../cost/estimate-cost.js';
import { priceFor, type PriceEntry } from '../cost/price-table.js';
import { normalizeRequest, type ImageRequest, type NormalizedRequest } from '../request/image-request.js';
import { planGeneration } from '../request/plan-generation.js';
import type { ProviderPreset } from '../request/providers.js';
import type { PictorWarning } from '../request/warnings.js';
import { sumCosts } from './call-pricing.js';

/** What a generation would do and cost, worked out without any network call (a dry run). */
export interface CostEstimate {
  model: string;
  /** Images asked for. */
  images: number;
  /** The HTTP calls it would make. */
  calls: Array<{ n: number; width: number | undefined; height: number | undefined; autoSize: boolean; cost: Cost }>;
  /** The calls' estimated costs summed; `unknown` when the model has no price. */
  cost: Cost;
  /** Where the price comes from. */
  source: string | undefined;
  warnings: PictorWarning[];
}

/**
 * Plans a generation as `generate()` would (validation, capabilities, the split into calls) and prices it, sending
 * nothing. Sizes not given are priced at the model's usual default (1024×1024; `auto` at 1536×1024).
 */
export function estimateGeneration(
  provider: ProviderPreset,
  input: ImageRequest | NormalizedRequest,
  prices: readonly PriceEntry[],
): CostEstimate {
  const request = normalizeRequest(input);
  const plan = planGeneration(provider, request);
  const price = priceFor(provider.name, plan.model, prices, DEFAULT_PRICES);
  const size = request.autoSize ? { width: 1536, height: 1024 } : { width: 1024, height: 1024 };
  const calls = plan.calls.map((call) => {
    const usd = price ? estimateCallUsd(price.rule, pricedCall(request, call.n, size)) : undefined;
    const cost: Cost =
      usd === undefined ? { usd: undefined, basis: 'unknown' } : { usd, basis: 'estimate', source: price?.source };
    return { n: call.n, width: request.width, height: request.height, autoSize: request.autoSize === true, cost };
  });
  return {
    model: plan.model,
    images: request.n,
    calls,
    cost: sumCosts(calls.map((c) => c.cost)),
    source: price?.source,
    warnings: plan.warnings,
  };
}
