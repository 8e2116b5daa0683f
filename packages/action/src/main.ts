import * as core from '@actions/core';
import { createPictorClient, PictorError, runBatch, type BatchReport, type PictorClient } from '@pictor/core';
import { createBatchProgress, displayPath } from './batch-progress.js';
import { readInputs } from './read-inputs.js';
import { writeSummary } from './write-summary.js';

function describeFailures(report: BatchReport): string {
  const lines = report.failures.map((f) => `line ${f.line} "${f.prompt}": ${f.error.name}: ${f.error.message}`);
  return `${report.failed} of ${report.total} prompt(s) failed:\n${lines.join('\n')}`;
}

/**
 * The Action: reads the inputs, runs the prompts through core's batch runner into `output-dir` (skipping what
 * its manifest already holds), logs one line per image, sets the outputs, writes the job summary, and fails
 * the step through `core.setFailed` with the typed error's message. Never throws.
 */
export async function run(): Promise<void> {
  const apiKey = core.getInput('api-key');
  if (apiKey) core.setSecret(apiKey);
  let client: PictorClient | undefined;
  try {
    const inputs = await readInputs(apiKey);
    client = createPictorClient({
      ...inputs.client,
      onRetry: ({ attempt, error, delayMs }) => core.info(`Retry ${attempt} in ${delayMs} ms after ${error.name}: ${error.message}`),
    });
    const progress = createBatchProgress(inputs.jobs.length, inputs.outputDir);
    const report = await runBatch({
      client,
      jobs: inputs.jobs,
      outDir: inputs.outputDir,
      skipExisting: inputs.skipExisting,
      fileName: inputs.fileName,
      onEvent: progress.onEvent,
    });

    const rows = progress.rows();
    const manifest = displayPath(report.manifestPath);
    core.setOutput('images', JSON.stringify(rows.map((r) => r.path)));
    core.setOutput('manifest', manifest);
    core.setOutput('count', rows.length);
    core.setOutput('generated', progress.counts.generated);
    core.setOutput('skipped', progress.counts.skipped);
    core.setOutput('failed', report.failed);
    core.info(`${progress.counts.generated} image(s) generated, ${progress.counts.skipped} skipped, ${report.failed} prompt(s) failed.`);
    const target = `${client.provider} at ${client.baseURL}, model ${client.defaultModel ?? 'the provider default'}`;
    await writeSummary({ rows, report, target, manifest });

    if (report.failed > 0) {
      const message = describeFailures(report);
      if (inputs.failOnPartial || report.failed === report.total) core.setFailed(message);
      else core.warning(message);
    }
  } catch (error) {
    if (!PictorError.isInstance(error) && error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(error instanceof Error ? error.message : String(error));
  } finally {
    await client?.close();
  }
}
