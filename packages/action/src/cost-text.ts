import type { Cost } from '@pictor/core';

/** A cost as the Action reports it; `usd` undefined is unknown (never 0). */
export type ReportedCost = Pick<Cost, 'usd' | 'basis'>;

/**
 * Dollars to six decimals, trailing zeros dropped but cents kept: `$0.17`, `$0.002831` — enough to check a
 * per-megapixel price by hand.
 */
export function formatUsd(usd: number): string {
  const text = usd.toFixed(6).replace(/0+$/, '');
  const [whole, fraction = ''] = text.split('.');
  return `$${whole}.${fraction.padEnd(2, '0')}`;
}

/** `$0.002831 (estimate)`, `$0.04 (usage)`, or `unknown`. */
export function costText(cost: ReportedCost): string {
  return cost.usd === undefined ? 'unknown' : `${formatUsd(cost.usd)} (${cost.basis})`;
}

/** Costs added up: unknown if any is, `usage` only when every one is; nothing at all costs $0. */
export function addCosts(costs: ReportedCost[]): ReportedCost {
  if (costs.some((cost) => cost.usd === undefined)) return { usd: undefined, basis: 'unknown' };
  // Rounded as core rounds budgets: dollars, not float dust.
  const usd = Math.round(costs.reduce((sum, cost) => sum + (cost.usd as number), 0) * 1e9) / 1e9;
  const basis = costs.length && costs.every((cost) => cost.basis === 'usage') ? 'usage' : 'estimate';
  return { usd, basis };
}

/** The `cost` output: USD as a plain number, or `unknown`. */
export function costOutput(cost: ReportedCost): string {
  return cost.usd === undefined ? 'unknown' : String(cost.usd);
}
