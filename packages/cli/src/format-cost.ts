import type { Cost } from '@pictor/core';

/** A cost as the CLI reports it, in JSON: `usd` is null when unknown (never 0 for "unknown"). */
export interface CostJson {
  usd: number | null;
  basis: 'usage' | 'estimate' | 'unknown';
}

/** Dollars for a person: four decimals (image prices are fractions of a cent), two from $100, more below $0.0001. */
export function formatUsd(usd: number): string {
  if (usd >= 100) return `$${usd.toFixed(2)}`;
  if (usd > 0 && usd < 0.0001) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(4)}`;
}

/** `$0.0057 (estimate)`, `$0.2107 (from usage)` or `unknown`. */
export function formatCost(cost: { usd: number | null | undefined; basis: string } | undefined): string {
  if (!cost || cost.usd === undefined || cost.usd === null || cost.basis === 'unknown') return 'unknown';
  return `${formatUsd(cost.usd)} (${cost.basis === 'usage' ? 'from usage' : cost.basis})`;
}

export function costJson(cost: { usd: number | null | undefined; basis: Cost['basis'] } | undefined): CostJson {
  if (!cost || cost.usd === undefined || cost.usd === null || cost.basis === 'unknown')
    return { usd: null, basis: 'unknown' };
  return { usd: cost.usd, basis: cost.basis };
}

/**
 * Costs added up: unknown if any is (a total that silently leaves one out would understate it), `usage` only when
 * every part came from reported usage. Nothing at all costs $0.
 */
export function sumCosts(costs: ReadonlyArray<CostJson>): CostJson {
  if (costs.some((c) => c.usd === null)) return { usd: null, basis: 'unknown' };
  const usd = Math.round(costs.reduce((sum, c) => sum + (c.usd as number), 0) * 1e9) / 1e9;
  return { usd, basis: costs.length > 0 && costs.every((c) => c.basis === 'usage') ? 'usage' : 'estimate' };
}

/** The known part of costs that may include unknown ones, and how many are unknown. */
export function knownPart(costs: ReadonlyArray<CostJson>): { usd: number; unknown: number } {
  const known = costs.filter((c) => c.usd !== null);
  return {
    usd: Math.round(known.reduce((sum, c) => sum + (c.usd as number), 0) * 1e9) / 1e9,
    unknown: costs.length - known.length,
  };
}

/** The line for a total: `$0.0113 (estimate)`, or `unknown (2 of 3 priced: $0.0113)`. */
export function formatTotal(costs: ReadonlyArray<CostJson>, [one, many]: readonly [string, string]): string {
  const total = sumCosts(costs);
  if (total.usd !== null) return formatCost(total);
  const known = knownPart(costs);
  const priced = costs.length - known.unknown;
  return priced === 0
    ? 'unknown'
    : `unknown (${known.unknown} ${known.unknown === 1 ? one : many} of unknown cost; the other ${priced}: ${formatUsd(known.usd)})`;
}
