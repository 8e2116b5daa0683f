import type { Budget, CostEstimate } from '@pictor/core';
import { costJson } from './cost-json.js';

/**
 * The answer to `POST /images/estimate`: what `POST /images` would do with the same body — its calls, images and
 * estimated cost, where the price comes from — and the app's budget as it stands, all without calling the provider.
 */
export function estimateResponse(provider: string, estimate: CostEstimate, budget: Budget | undefined) {
  return {
    provider,
    model: estimate.model,
    images: estimate.images,
    calls: estimate.calls.map((call) => ({
      n: call.n,
      width: call.width ?? null,
      height: call.height ?? null,
      cost: costJson(call.cost),
    })),
    cost: costJson(estimate.cost),
    source: estimate.source ?? null,
    budget: budget ? { limitUsd: budget.limitUsd, spentUsd: budget.spentUsd, reservedUsd: budget.reservedUsd } : null,
    warnings: estimate.warnings,
  };
}
