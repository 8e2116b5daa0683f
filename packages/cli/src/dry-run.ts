import type { CostEstimate } from '@pictor/core';
import { costJson, formatCost, formatTotal, sumCosts, type CostJson } from './format-cost.js';
import { formatWarning } from './format-warning.js';
import type { Terminal } from './terminal.js';

/** One prompt of a dry run: what core's `estimateCost` planned for it. */
export interface PlannedPrompt {
  /** Its line in a batch file. */
  line?: number;
  prompt: string;
  estimate: CostEstimate;
}

type PlannedCall = CostEstimate['calls'][number];

/** A call's size as it will be asked for, and what an estimate assumes when the request gives none. */
function sizeOf(call: PlannedCall): string {
  if (call.width !== undefined && call.height !== undefined) return `${call.width}x${call.height}`;
  return call.autoSize ? 'auto (priced as 1536x1024)' : "the model's default (priced as 1024x1024)";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function promptJson(item: PlannedPrompt) {
  const { estimate } = item;
  return {
    ...(item.line === undefined ? {} : { line: item.line }),
    prompt: item.prompt,
    model: estimate.model,
    images: estimate.images,
    sizes: [...new Set(estimate.calls.map(sizeOf))],
    calls: estimate.calls.map((call) => ({
      n: call.n,
      width: call.width ?? null,
      height: call.height ?? null,
      autoSize: call.autoSize,
      cost: costJson(call.cost),
    })),
    cost: costJson(estimate.cost),
    source: estimate.source ?? null,
    warnings: estimate.warnings,
  };
}

/**
 * Prints a dry run's plan: per prompt its model, calls, images, sizes, estimated cost and the price's source, then
 * the total — or, with `json`, the same as one JSON document. Nothing here sends or writes anything.
 */
export function printPlan(
  term: Terminal,
  where: { provider: string; label: string },
  items: PlannedPrompt[],
  json: boolean | undefined,
): void {
  const costs: CostJson[] = items.map((item) => costJson(item.estimate.cost));
  const images = items.reduce((n, item) => n + item.estimate.images, 0);
  const calls = items.reduce((n, item) => n + item.estimate.calls.length, 0);
  for (const item of items) {
    for (const warning of item.estimate.warnings) {
      term.warn(`${item.line === undefined ? '' : `line ${item.line}: `}${formatWarning(warning)}`);
    }
  }
  if (json) {
    term.json({
      dryRun: true,
      provider: where.provider,
      label: where.label,
      prompts: items.map(promptJson),
      total: { ...sumCosts(costs), images, calls },
    });
    return;
  }
  term.info(`Dry run with ${where.label}: nothing is sent and no file is written.`);
  for (const item of items) {
    const { estimate } = item;
    const where = item.line === undefined ? '' : `line ${item.line}: `;
    const sizes = [...new Set(estimate.calls.map(sizeOf))].join(', ');
    term.out(`${where}${JSON.stringify(item.prompt)}`);
    term.out(
      `  ${estimate.model}: ${plural(estimate.images, 'image')} in ${plural(estimate.calls.length, 'call')}, ${sizes}: ${formatCost(costJson(estimate.cost))}`,
    );
    term.out(`  price: ${estimate.source ?? 'none known for this model (add one with --prices)'}`);
  }
  term.out(
    `total: ${plural(images, 'image')} in ${plural(calls, 'call')}, ${formatTotal(costs, ['prompt', 'prompts'])}`,
  );
}
