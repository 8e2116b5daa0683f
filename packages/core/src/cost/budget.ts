import { BudgetExceededError } from '../errors/index.js';

/**
 * A spending limit shared by every call that holds it: a client's (`maxCost` option), one `generate()`'s, a batch's,
 * or one you make with `createBudget` and pass to several calls. A call reserves its estimated cost before it is
 * sent, so calls in flight together can never promise more than the limit; once it answers, the reservation becomes
 * what it cost (or is released if it failed).
 */
export interface Budget {
  readonly limitUsd: number;
  /** What finished calls cost. */
  readonly spentUsd: number;
  /** What calls in flight are expected to cost. */
  readonly reservedUsd: number;
  /** Reserves `usd` for a call, or throws `BudgetExceededError` when it would pass the limit. */
  reserve(usd: number): void;
  /** A reserved call answered and cost `actualUsd`. */
  settle(reservedUsd: number, actualUsd: number): void;
  /** A reserved call failed: nothing was spent. */
  release(reservedUsd: number): void;
}

/** Rounds away float dust (0.1 + 0.2) before comparing with the limit: budgets are in dollars and cents. */
const tidy = (usd: number): number => Math.round(usd * 1e9) / 1e9;

export function createBudget(limitUsd: number): Budget {
  if (!Number.isFinite(limitUsd) || limitUsd < 0) throw new RangeError('a budget is a number of USD, 0 or more');
  let spent = 0;
  let reserved = 0;
  return {
    limitUsd,
    get spentUsd() {
      return tidy(spent);
    },
    get reservedUsd() {
      return tidy(reserved);
    },
    reserve(usd) {
      if (tidy(spent + reserved + usd) > limitUsd) {
        throw new BudgetExceededError({ limitUsd, spentUsd: tidy(spent + reserved), callUsd: tidy(usd) });
      }
      reserved += usd;
    },
    settle(reservedUsd, actualUsd) {
      reserved = Math.max(0, reserved - reservedUsd);
      spent += actualUsd;
    },
    release(reservedUsd) {
      reserved = Math.max(0, reserved - reservedUsd);
    },
  };
}
