import * as core from '@actions/core';
import type { PictorClient } from '@pictor/core';
import { jobsInShard } from '@pictor/core/batch';
import { join } from 'node:path';
import { displayPath } from './batch-progress.js';
import { addCosts, costOutput, costText, formatUsd, type ReportedCost } from './cost-text.js';
import { planCosts, type PlannedPrompt } from './cost-plan.js';
import type { ActionInputs } from './read-inputs.js';
import { log } from './safe-log.js';
import { escapeHtml } from './write-summary.js';

type Call = NonNullable<PlannedPrompt['estimate']>['calls'][number];

function sizeText(call: Call): string {
  if (call.width !== undefined && call.height !== undefined) return `${call.width}×${call.height}`;
  return call.autoSize ? 'auto size' : "the model's default size";
}

/** `2 images at 1024×1024, $0.005662 (estimate)` */
function callText(call: Call): string {
  return `${call.n} image(s) at ${sizeText(call)}, ${costText(call.cost)}`;
}

function promptText(planned: PlannedPrompt): string {
  if (planned.error) return `would fail: ${planned.error.name}: ${planned.error.message}`;
  const { estimate } = planned;
  const calls = estimate.calls.map(callText);
  return (
    `${estimate.model}, ${estimate.calls.length} call(s), ${estimate.images} image(s): ${calls.join('; ')}` +
    (estimate.calls.length > 1 ? ` — ${costText(estimate.cost)} in all` : '')
  );
}

/** Where a budget stops a batch sent in order: the first prompt whose estimate takes the sum past it. */
function budgetLine(plan: PlannedPrompt[], total: ReportedCost, maxCost: number): string {
  const budget = `max-cost ${formatUsd(maxCost)}`;
  if (total.usd === undefined) return `${budget}: the plan's cost is unknown (add the model's price with prices-file)`;
  if (total.usd <= maxCost) return `${budget}: the plan fits`;
  let sum = 0;
  const stop = plan.find((p) => (sum += p.estimate?.cost.usd ?? 0) > maxCost);
  return `${budget}: the plan passes it; line ${stop?.line} ("${stop?.prompt}") would be the first prompt refused`;
}

export interface DryRunOptions {
  client: PictorClient;
  inputs: ActionInputs;
  target: string;
}

/**
 * `dry-run: true`: prices every prompt with core's `estimateCost` and prints the plan — per prompt the calls, images,
 * sizes and estimated cost, then the total — to the log and the job summary. Sends no request and writes no file
 * (the manifest is not read either: every prompt is priced, including any a real run would skip). The outputs are
 * still set: no image, `cost` the estimated total.
 */
export async function runDryRun({ client, inputs, target }: DryRunOptions): Promise<void> {
  const { shard, edit } = inputs;
  // An edit's share depends on its inputs' hashes: the same bytes the real run sends.
  const editInputs = edit && {
    images: edit.images.map(({ bytes, name }) => ({ bytes, name })),
    mask: edit.mask && { bytes: edit.mask.bytes, name: edit.mask.name },
  };
  const jobs = shard ? jobsInShard({ client, jobs: inputs.jobs, shard, edit: editInputs }) : inputs.jobs;
  const plan = planCosts(client, jobs, edit !== undefined);
  const total = addCosts(plan.flatMap((p) => (p.estimate ? [p.estimate.cost] : [])));
  const failing = plan.filter((p) => p.error);

  log.info(`Dry run: nothing is sent and no file is written. The plan for ${target}:`);
  plan.forEach((planned, i) => log.info(`[${i + 1}/${plan.length}] "${planned.prompt}": ${promptText(planned)}`));
  const calls = plan.reduce((sum, p) => sum + (p.estimate?.calls.length ?? 0), 0);
  const images = plan.reduce((sum, p) => sum + (p.estimate?.images ?? 0), 0);
  log.info(`Total: ${plan.length} prompt(s), ${calls} call(s), ${images} image(s), ${costText(total)}`);
  if (inputs.maxCost !== undefined) log.info(budgetLine(plan, total, inputs.maxCost));
  if (shard)
    log.info(
      `shard ${shard.index}/${shard.total}: this share holds ${jobs.length} of the ${inputs.jobs.length} prompt(s).`,
    );
  if (inputs.skipExisting)
    log.info('A real run skips the prompts its manifest already holds; this plan prices them all.');

  core.setOutput('images', '[]');
  core.setOutput('manifest', displayPath(join(inputs.outputDir, 'manifest.json')));
  core.setOutput('count', 0);
  core.setOutput('generated', 0);
  core.setOutput('skipped', 0);
  core.setOutput('failed', failing.length);
  core.setOutput('cost', costOutput(total));
  core.setOutput('usage', '{}'); // nothing was sent
  core.setOutput('shard', shard ? `${shard.index}/${shard.total}` : '');
  core.setOutput('merged', 0);
  await writeDryRunSummary(plan, total, target);

  if (failing.length) {
    const lines = failing.map((p) => `line ${p.line} "${p.prompt}": ${p.error?.name}: ${p.error?.message}`);
    const message = `Dry run: ${failing.length} of ${plan.length} prompt(s) would fail:\n${lines.join('\n')}`;
    if (inputs.failOnPartial || failing.length === plan.length) log.fail(message);
    else log.warning(message);
  }
}

async function writeDryRunSummary(plan: PlannedPrompt[], total: ReportedCost, target: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const usd = (cost: ReportedCost) => (cost.usd === undefined ? 'unknown' : escapeHtml(formatUsd(cost.usd)));
  const header = ['Line', 'Prompt', 'Calls', 'Images', 'Sizes', 'Cost (USD)', 'Basis'].map((data) => ({
    data,
    header: true,
  }));
  const rows = plan.map((p) =>
    p.estimate
      ? [
          escapeHtml(p.line),
          escapeHtml(p.prompt),
          escapeHtml(p.estimate.calls.length),
          escapeHtml(p.estimate.images),
          escapeHtml([...new Set(p.estimate.calls.map(sizeText))].join(', ')),
          usd(p.estimate.cost),
          p.estimate.cost.basis,
        ]
      : [escapeHtml(p.line), escapeHtml(p.prompt), '—', '—', '—', '—', escapeHtml(`would fail: ${p.error.message}`)],
  );
  const images = plan.reduce((sum, p) => sum + (p.estimate?.images ?? 0), 0);
  const calls = plan.reduce((sum, p) => sum + (p.estimate?.calls.length ?? 0), 0);
  const totalRow = [
    '<strong>Total</strong>',
    `${escapeHtml(plan.length)} prompt(s)`,
    escapeHtml(calls),
    escapeHtml(images),
    '—',
    `<strong>${usd(total)}</strong>`,
    total.basis,
  ];
  await core.summary
    .addHeading('Pictor dry run', 2)
    .addRaw(`<p>Nothing was sent and no file was written — ${escapeHtml(target)}.</p>`, true)
    .addTable([header, ...rows, totalRow])
    .write();
}
