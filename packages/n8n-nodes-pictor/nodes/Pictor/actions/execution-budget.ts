import { createBudget, type Budget } from '@pictor/core/kernel';
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** What every item of one execution shares. */
export interface ExecutionRun {
  /** The execution's spending limit (the "Max Cost (USD)" option), shared by every item's call. */
  budget: Budget | undefined;
}

/**
 * One core budget per execution, from the first item's "Max Cost (USD)" option: every item's call reserves its
 * estimated cost in it, so the execution as a whole never passes the limit (a per-item limit would not bound it).
 */
export function executionRun(ctx: IExecuteFunctions): ExecutionRun {
  const options = ctx.getNodeParameter('options', 0, {}) as { maxCost?: unknown };
  const maxCost = options.maxCost;
  if (maxCost === undefined || maxCost === null || maxCost === '') return { budget: undefined };
  if (typeof maxCost !== 'number' || !Number.isFinite(maxCost) || maxCost < 0) {
    throw new NodeOperationError(ctx.getNode(), 'Max Cost (USD) must be a number of US dollars, 0 or more', {
      description: `Got ${JSON.stringify(maxCost)}`,
    });
  }
  return { budget: createBudget(maxCost) };
}
