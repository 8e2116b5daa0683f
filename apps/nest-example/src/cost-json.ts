import type { Cost } from '@pictor/core';

/** A cost as the app answers it: `usd` is null when the price is unknown (JSON has no undefined; 0 would read free). */
export interface CostJson {
  usd: number | null;
  basis: Cost['basis'];
}

export function costJson(cost: Cost | undefined): CostJson {
  return cost ? { usd: cost.usd ?? null, basis: cost.basis } : { usd: null, basis: 'unknown' };
}
