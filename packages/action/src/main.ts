import * as core from '@actions/core';
import { createPictorClient, PictorError, ValidationError, type PictorClient } from '@pictor/core';
import { runBatch, type BatchEvent, type BatchReport, type ManifestWarning } from '@pictor/core/batch';
import { createBatchProgress, displayPath, imageRows } from './batch-progress.js';
import { planCosts } from './cost-plan.js';
import { costOutput, costText, formatUsd } from './cost-text.js';
import { runDryRun } from './dry-run.js';
import { toInputError } from './edit-input-error.js';
import { runMergeStep } from './merge-step.js';
import { createCostLedger } from './prompt-costs.js';
import { readInputs, type ActionInputs } from './read-inputs.js';
import { log } from './safe-log.js';
import { writeSummary } from './write-summary.js';

const LISTED_FAILURES = 10;

function describeFailures(report: BatchReport): string {
  const lines = report.failures
    .slice(0, LISTED_FAILURES)
    .map((f) => `line ${f.line} "${f.prompt}": ${f.error.name}: ${f.error.message}`);
  if (report.failures.length > LISTED_FAILURES)
    lines.push(`… and ${report.failures.length - LISTED_FAILURES} more (see the job summary)`);
  if (report.notStarted) lines.push(`${report.notStarted} prompt(s) not run: the batch stopped at that error`);
  return `${report.failed} of ${report.total} prompt(s) failed:\n${lines.join('\n')}`;
}

/**
 * A budget can only be kept for priced models: with `max-cost`, a prompt whose model has no price (built in or from
 * `prices-file`) fails the step naming `max-cost`, before any request. Prompts core refuses for another reason are
 * left to the batch, which reports them as it always does.
 */
function checkBudgetable(client: PictorClient, inputs: ActionInputs): void {
  if (inputs.maxCost === undefined) return;
  const unpriced = planCosts(client, inputs.jobs, inputs.edit !== undefined).flatMap((p) =>
    p.estimate && p.estimate.cost.usd === undefined ? [`line ${p.line} (${p.estimate.model})`] : [],
  );
  if (unpriced.length) {
    const message = `no price is known for ${unpriced.join(', ')} on ${client.provider}: give its price in prices-file, or drop max-cost`;
    throw new ValidationError([{ field: 'max-cost', message }], 'inputs');
  }
}

/**
 * The Action: reads the inputs, runs the prompts through core's batch runner — as edits of the same input images
 * with `input-images` — into `output-dir` (skipping what its manifest already holds, within `max-cost`), logs one
 * line per image, sets the outputs (`cost`: what this run spent), writes the job summary, and fails the step with
 * the typed error's message. `dry-run` prints the plan and its estimated cost instead, sending nothing. Every log
 * line goes through `log` (no workflow command from a prompt or a provider's message). Never throws.
 */
export async function run(): Promise<void> {
  const apiKey = core.getInput('api-key');
  if (apiKey) core.setSecret(apiKey);
  let client: PictorClient | undefined;
  try {
    // A merge job joins the shards' folders and generates nothing: no prompt, no key, no client.
    if (core.getInput('merge-manifests')) {
      await runMergeStep();
      return;
    }
    const inputs = await readInputs(apiKey);
    client = createPictorClient({
      ...inputs.client,
      onRetry: ({ attempt, error, delayMs }) =>
        log.info(`Retry ${attempt} in ${delayMs} ms after ${error.name}: ${error.message}`),
    });
    const { edit } = inputs;
    const model = edit ? client.defaultEditModel : client.defaultModel;
    const target =
      `${client.provider} at ${client.baseURL}, model ${model ?? 'the provider default'}` +
      (edit ? `, editing ${edit.images.map((image) => image.display).join(', ')}` : '');
    if (inputs.dryRun) {
      await runDryRun({ client, inputs, target });
      return;
    }
    checkBudgetable(client, inputs);

    const progress = createBatchProgress(inputs.jobs.length);
    const ledger = createCostLedger();
    if (edit) {
      const named = edit.images.map((image) => image.display).join(', ');
      log.info(
        `Editing ${edit.images.length} input image(s): ${named}${edit.mask ? `, mask ${edit.mask.display}` : ''}`,
      );
    }
    if (inputs.maxCost !== undefined) log.info(`Budget: max-cost ${formatUsd(inputs.maxCost)} for this run.`);
    const report = await runBatch({
      client,
      jobs: inputs.jobs,
      outDir: inputs.outputDir,
      skipExisting: inputs.skipExisting,
      fileName: inputs.fileName,
      maxCost: inputs.maxCost,
      shard: inputs.shard,
      // The bytes input-images read (inside the workspace, checked): core hashes them for the manifest key.
      edit: edit && {
        images: edit.images.map(({ bytes, name }) => ({ bytes, name })),
        mask: edit.mask && { bytes: edit.mask.bytes, name: edit.mask.name },
      },
      // Once per entry: the manifest is read once per run.
      onWarning: (warning: ManifestWarning) => log.warning(warning.message),
      onEvent: (event: BatchEvent) => {
        // An edit's errors name the inputs as the user wrote them, in the log, the summary and the step's message.
        if (edit && event.type === 'failed') event.outcome.error = event.error = toInputError(event.error, edit);
        ledger.onEvent(event);
        progress(event);
      },
    }).catch((error: unknown) => {
      throw edit ? toInputError(error, edit) : error;
    });

    const rows = imageRows(report);
    const costs = ledger.tally(report);
    const generated = rows.filter((r) => r.status === 'generated').length;
    const manifest = displayPath(report.manifestPath);
    core.setOutput('images', JSON.stringify(rows.map((r) => r.path)));
    core.setOutput('manifest', manifest);
    core.setOutput('count', rows.length);
    core.setOutput('generated', generated);
    core.setOutput('skipped', rows.length - generated);
    const failed = report.failed + report.notStarted;
    core.setOutput('failed', failed);
    core.setOutput('cost', costOutput(costs.total));
    core.setOutput('usage', JSON.stringify(ledger.usage));
    core.setOutput('shard', report.shard ? `${report.shard.index}/${report.shard.total}` : '');
    core.setOutput('merged', 0);
    if (report.shard) {
      const { index, total } = report.shard;
      const all = report.total + report.otherShards;
      log.info(
        `Shard ${index}/${total}: this job's share is ${report.total} of the ${all} prompt(s), split by manifest key.`,
      );
    }
    log.info(
      `${generated} image(s) generated, ${rows.length - generated} skipped, ${failed} prompt(s) failed or not run; ` +
        `this run cost ${costText(costs.total)}.`,
    );
    await writeSummary({ rows, report, target, manifest, costs });

    if (failed > 0) {
      const message = describeFailures(report);
      // A run that produced no image at all is never "partial".
      if (inputs.failOnPartial || rows.length === 0) log.fail(message);
      else log.warning(message);
    }
  } catch (error) {
    if (!PictorError.isInstance(error) && error instanceof Error && error.stack) log.debug(error.stack);
    log.fail(error instanceof Error ? error.message : String(error));
  } finally {
    await client?.close();
  }
}
