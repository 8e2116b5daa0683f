import { ValidationError } from '../errors/index.js';
import { createBudget, type Budget } from '../cost/budget.js';
import { DEFAULT_PRICES } from '../cost/default-prices.js';
import {
  callCost,
  estimateCallUsd,
  pricedCall,
  UNKNOWN_COST,
  type Cost,
  type PricedCall,
} from '../cost/estimate-cost.js';
import { priceFor, type PriceEntry } from '../cost/price-table.js';
import type { NormalizedRequest } from '../request/image-request.js';
import type { CallPlan, GenerationPlan } from '../request/plan-generation.js';
import type { ProviderName } from '../request/providers.js';

/** Sizes an estimate assumes: `auto` as the largest standard size (a budget errs on the safe side). */
const AUTO_SIZE = { width: 1536, height: 1024 };
const DEFAULT_SIZE = { width: 1024, height: 1024 };

/** The pricing of one generation's calls, and the budgets they must fit. */
export interface CallPricing {
  /** Reserves a call's estimated cost in every budget (or throws `BudgetExceededError`); returns what was reserved. */
  reserve(call: CallPlan): number;
  /** What an answered call cost, and settles its reservation. */
  settle(call: CallPlan, reserved: number, usage: Record<string, unknown> | undefined): Cost;
  /** A call that failed costs nothing. */
  release(reserved: number): void;
}

export function priceCalls(
  provider: ProviderName,
  plan: GenerationPlan,
  request: NormalizedRequest,
  budgets: Array<Budget | undefined>,
  prices: readonly PriceEntry[],
): CallPricing {
  const price = priceFor(provider, plan.model, prices, DEFAULT_PRICES);
  const active = budgets.filter((b): b is Budget => b !== undefined);
  const priced = (call: CallPlan): PricedCall =>
    pricedCall(request, call.n, request.autoSize ? AUTO_SIZE : DEFAULT_SIZE);
  const estimate = (call: CallPlan) => (price ? estimateCallUsd(price.rule, priced(call)) : undefined);
  if (active.length && plan.calls.some((call) => estimate(call) === undefined)) {
    // A budget cannot be kept without a price: refused before anything is sent.
    throw new ValidationError([
      {
        field: 'maxCost',
        message: `no price is known for ${plan.model} on ${provider} at this size and quality; add one with the prices option`,
      },
    ]);
  }
  return {
    reserve(call) {
      const usd = estimate(call) ?? 0;
      const done: Budget[] = [];
      try {
        for (const budget of active) {
          budget.reserve(usd);
          done.push(budget);
        }
      } catch (error) {
        for (const budget of done) budget.release(usd);
        throw error;
      }
      return usd;
    },
    settle(call, reserved, usage) {
      const cost = price ? callCost(price, priced(call), usage) : UNKNOWN_COST;
      for (const budget of active) budget.settle(reserved, cost.usd ?? reserved);
      return cost;
    },
    release(reserved) {
      for (const budget of active) budget.release(reserved);
    },
  };
}

/** A budget for one call of `generate()`: the one passed, or a fresh one for `maxCost`. */
export function callBudget(options: { budget?: Budget | undefined; maxCost?: number | undefined }): Budget | undefined {
  if (options.budget) return options.budget;
  return options.maxCost === undefined ? undefined : createBudget(options.maxCost);
}

/** The sum of calls' costs: unknown if any is, `usage` only when every call's came from usage. */
export function sumCosts(costs: Cost[]): Cost {
  if (costs.length === 0) return { usd: 0, basis: 'estimate' };
  if (costs.some((c) => c.usd === undefined)) return UNKNOWN_COST;
  const usd = Math.round(costs.reduce((sum, c) => sum + (c.usd as number), 0) * 1e9) / 1e9;
  return { usd, basis: costs.every((c) => c.basis === 'usage') ? 'usage' : 'estimate' };
}
