import { PictorError, type PictorErrorOptions } from './pictor-error.js';

/** Dollars as a message shows them: whole cents as cents, anything finer to four decimals ($0.012 stays $0.0120). */
function usd(value: number): string {
  const cents = Math.round(value * 100);
  return `$${Math.abs(value * 100 - cents) < 1e-9 ? value.toFixed(2) : value.toFixed(4)}`;
}

/**
 * A call was not sent because its estimated cost would take the spending past the budget (`maxCost`). Nothing of
 * it reached the provider; images made before it are kept.
 */
export class BudgetExceededError extends PictorError {
  /** The budget, in USD. */
  readonly limitUsd: number;
  /** What was spent (and reserved by calls in flight) when the call was refused, in USD. */
  readonly spentUsd: number;
  /** The refused call's estimated cost, in USD. */
  readonly callUsd: number;

  constructor(figures: { limitUsd: number; spentUsd: number; callUsd: number }, options: PictorErrorOptions = {}) {
    super(
      `Budget exceeded: this call would cost about ${usd(figures.callUsd)}, with ${usd(figures.spentUsd)} of the ${usd(figures.limitUsd)} budget already spent or committed; it was not sent`,
      options,
    );
    this.limitUsd = figures.limitUsd;
    this.spentUsd = figures.spentUsd;
    this.callUsd = figures.callUsd;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limitUsd: this.limitUsd, spentUsd: this.spentUsd, callUsd: this.callUsd };
  }
}
