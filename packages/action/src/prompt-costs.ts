import type { BatchEvent, BatchOutcome, BatchReport } from '@pictor/core/batch';
import { addCosts, type ReportedCost } from './cost-text.js';

/** One prompt's line of the summary's cost table. */
export interface PromptCost {
  line: number;
  prompt: string;
  status: BatchOutcome['status'];
  images: number;
  /** What this run paid, or what the manifest recorded for a skipped prompt; undefined when nothing was made. */
  cost: ReportedCost | undefined;
}

/** `into` plus `add`, numbers summed at every depth (token counts and their details). */
function addUsage(into: Record<string, unknown>, add: Record<string, unknown>): Record<string, unknown> {
  const out = { ...into };
  for (const [key, value] of Object.entries(add)) {
    const prev = out[key];
    if (typeof value === 'number') out[key] = (typeof prev === 'number' ? prev : 0) + value;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out[key] = addUsage(
        typeof prev === 'object' && prev !== null ? (prev as Record<string, unknown>) : {},
        value as Record<string, unknown>,
      );
    }
  }
  return out;
}

/** The costs of a run's prompts, as their events tell them: a made prompt's result, a skipped one's manifest entry. */
export function createCostLedger() {
  const costs = new Map<number, ReportedCost>();
  /** What the provider reported for the calls of this run, summed (OpenAI's token counts; empty when none). */
  let usage: Record<string, unknown> = {};
  return {
    get usage(): Record<string, unknown> {
      return usage;
    },
    onEvent(event: BatchEvent): void {
      if (event.type === 'saved' && event.result.usage) usage = addUsage(usage, event.result.usage);
      if (event.type === 'saved') costs.set(event.position, event.result.cost);
      else if (event.type === 'skipped') {
        const recorded = event.entry.cost;
        // A manifest from before costs were recorded, or a `null` price: unknown, never 0.
        costs.set(
          event.position,
          recorded && recorded.usd !== null
            ? { usd: recorded.usd, basis: recorded.basis }
            : { usd: undefined, basis: 'unknown' },
        );
      }
    },
    /** Every prompt of the report with its cost, and what this run spent (skipped prompts cost it nothing). */
    tally(report: BatchReport): { prompts: PromptCost[]; total: ReportedCost } {
      const prompts = report.outcomes.map((outcome) => ({
        line: outcome.line,
        prompt: outcome.prompt,
        status: outcome.status,
        images: outcome.images.length,
        cost: costs.get(outcome.position),
      }));
      const spent = prompts.filter((p) => p.status !== 'skipped' && p.cost).map((p) => p.cost as ReportedCost);
      return { prompts, total: addCosts(spent) };
    },
  };
}
