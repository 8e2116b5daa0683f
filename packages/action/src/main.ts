import * as core from '@actions/core';
import {
  AuthenticationError,
  createPictorClient,
  PermissionDeniedError,
  PictorError,
  QuotaExceededError,
  type PictorClient,
} from '@pictor/core';
import { runBatch, type BatchEvent, type BatchReport, type ManifestWarning } from '@pictor/core/batch';
import { createBatchProgress, displayPath, imageRows } from './batch-progress.js';
import { readInputs } from './read-inputs.js';
import { runEdits } from './run-edits.js';
import { log } from './safe-log.js';
import { writeSummary } from './write-summary.js';

const LISTED_FAILURES = 10;

/** Errors every other prompt would meet too (a wrong key, no access, no quota): the batch stops at the first. */
function stopsTheBatch(error: PictorError): boolean {
  return (
    AuthenticationError.isInstance(error) ||
    PermissionDeniedError.isInstance(error) ||
    QuotaExceededError.isInstance(error)
  );
}

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
 * The Action: reads the inputs, runs the prompts through core's batch runner — or, with `input-images`, through
 * `runEdits` — into `output-dir` (skipping what its manifest already holds), logs one line per image, sets the outputs, writes the job summary, and fails
 * the step with the typed error's message. Every log line goes through `log` (no workflow command from a prompt
 * or a provider's message). Never throws.
 */
export async function run(): Promise<void> {
  const apiKey = core.getInput('api-key');
  if (apiKey) core.setSecret(apiKey);
  let client: PictorClient | undefined;
  try {
    const inputs = await readInputs(apiKey);
    client = createPictorClient({
      ...inputs.client,
      onRetry: ({ attempt, error, delayMs }) =>
        log.info(`Retry ${attempt} in ${delayMs} ms after ${error.name}: ${error.message}`),
    });
    const progress = createBatchProgress(inputs.jobs.length);
    const stop = new AbortController();
    const batch = {
      client,
      jobs: inputs.jobs,
      outDir: inputs.outputDir,
      skipExisting: inputs.skipExisting,
      fileName: inputs.fileName,
      signal: stop.signal,
      // Once per entry: the manifest is read once per run.
      onWarning: (warning: ManifestWarning) => log.warning(warning.message),
      onEvent: (event: BatchEvent) => {
        progress(event);
        if (event.type === 'failed' && stopsTheBatch(event.error)) stop.abort();
      },
    };
    const { edit } = inputs;
    if (edit) {
      const named = edit.images.map((image) => image.display).join(', ');
      log.info(
        `Editing ${edit.images.length} input image(s): ${named}${edit.mask ? `, mask ${edit.mask.display}` : ''}`,
      );
    }
    const report = edit ? await runEdits({ ...batch, inputs: edit }) : await runBatch(batch);

    const rows = imageRows(report);
    const generated = rows.filter((r) => r.status === 'generated').length;
    const manifest = displayPath(report.manifestPath);
    core.setOutput('images', JSON.stringify(rows.map((r) => r.path)));
    core.setOutput('manifest', manifest);
    core.setOutput('count', rows.length);
    core.setOutput('generated', generated);
    core.setOutput('skipped', rows.length - generated);
    const failed = report.failed + report.notStarted;
    core.setOutput('failed', failed);
    log.info(
      `${generated} image(s) generated, ${rows.length - generated} skipped, ${failed} prompt(s) failed or not run.`,
    );
    const model = edit ? client.defaultEditModel : client.defaultModel;
    const target =
      `${client.provider} at ${client.baseURL}, model ${model ?? 'the provider default'}` +
      (edit ? `, editing ${edit.images.map((image) => image.display).join(', ')}` : '');
    await writeSummary({ rows, report, target, manifest });

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
