import * as core from '@actions/core';
import { ValidationError, type FieldIssue } from '@pictor/core';
import { mergeManifests, readManifest, type MergeReport } from '@pictor/core/storage';
import { join } from 'node:path';
import { displayPath } from './batch-progress.js';
import { resolveWorkspaceFolders, type ImageFile } from './input-images.js';
import { readOutputDir } from './read-inputs.js';
import { log } from './safe-log.js';
import { escapeHtml } from './write-summary.js';

/** Inputs of a generating step: a step with merge-manifests only merges, so giving one of them is a mistake. */
const GENERATING_INPUTS = ['prompt', 'prompts-file', 'input-images', 'mask', 'shard'];

interface MergeInputs {
  folders: ImageFile[];
  outputDir: string;
  failOnPartial: boolean;
}

async function readMergeInputs(): Promise<MergeInputs> {
  const issues: FieldIssue[] = [];
  for (const name of GENERATING_INPUTS.filter((input) => core.getInput(input))) {
    const message = `merges the shards' folders and generates nothing: drop ${name}, or generate in another step`;
    issues.push({ field: 'merge-manifests', message });
  }
  const flag = (name: string, fallback: boolean): boolean => {
    if (!core.getInput(name)) return fallback;
    try {
      return core.getBooleanInput(name);
    } catch {
      issues.push({ field: name, message: 'must be true or false' });
      return fallback;
    }
  };
  if (flag('dry-run', false)) issues.push({ field: 'merge-manifests', message: 'cannot be a dry run: drop dry-run' });
  const failOnPartial = flag('fail-on-partial', true);
  const folders = await resolveWorkspaceFolders('merge-manifests', core.getInput('merge-manifests'), issues);
  const outputDir = await readOutputDir(issues);
  if (issues.length) throw new ValidationError(issues, 'inputs');
  return { folders, outputDir, failOnPartial };
}

function logReport(report: MergeReport): void {
  for (const entry of report.merged)
    log.info(`merged "${entry.prompt}" from ${displayPath(entry.source)}: ${entry.files.join(', ')}`);
  for (const c of report.conflicts) {
    log.warning(
      `"${c.prompt}" differs between ${displayPath(c.kept.source)} and ${displayPath(c.dropped.source)}: ` +
        `kept ${displayPath(c.kept.source)}'s (${c.reason === 'first' ? 'same age, held first' : `it is ${c.reason}`})`,
    );
  }
  for (const problem of report.problems) log.warning(`${displayPath(problem.source)}: ${problem.message}`);
}

async function writeMergeSummary(report: MergeReport, folders: ImageFile[], images: number): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const files = report.merged.reduce((n, e) => n + e.files.length, 0);
  const summary = core.summary
    .addHeading('Pictor manifest merge', 2)
    .addRaw(
      `<p>${report.merged.length} entr${report.merged.length === 1 ? 'y' : 'ies'} (${files} file(s)) merged from ` +
        `${folders.length} folder(s) into <code>${escapeHtml(displayPath(report.manifestPath))}</code>, which now ` +
        `holds ${images} image(s); ${report.skipped.length} already there, ${report.conflicts.length} conflict(s), ` +
        `${report.problems.length} problem(s).</p>`,
      true,
    );
  if (report.merged.length) {
    const header = ['Prompt', 'From', 'Files'].map((data) => ({ data, header: true }));
    const rows = report.merged.map((e) => [
      escapeHtml(e.prompt),
      `<code>${escapeHtml(displayPath(e.source))}</code>`,
      e.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(' '),
    ]);
    summary.addTable([header, ...rows]);
  }
  if (report.conflicts.length) {
    summary
      .addHeading('Conflicts', 3)
      .addList(
        report.conflicts.map(
          (c) =>
            `“${escapeHtml(c.prompt)}”: kept <code>${escapeHtml(displayPath(c.kept.source))}</code>, not ` +
            `<code>${escapeHtml(displayPath(c.dropped.source))}</code> (${c.reason})`,
        ),
      );
  }
  if (report.problems.length) {
    summary
      .addHeading('Not merged', 3)
      .addList(
        report.problems.map((p) => `<code>${escapeHtml(displayPath(p.source))}</code>: ${escapeHtml(p.message)}`),
      );
  }
  await summary.write();
}

/**
 * `merge-manifests`: joins the shards' folders (downloaded artifacts) into `output-dir` with core's `mergeManifests`
 * instead of generating — every file checked against its record, clashing names renamed, the same key kept once.
 * Sets the outputs (`images` every image `output-dir` now holds, `merged`, `failed` the problems), writes the job
 * summary, and fails the step when something could not be merged (a warning with `fail-on-partial: false`).
 */
export async function runMergeStep(): Promise<void> {
  const { folders, outputDir, failOnPartial } = await readMergeInputs();
  log.info(
    `Merging ${folders.length} folder(s) into ${displayPath(outputDir)}: ${folders.map((f) => f.display).join(', ')}`,
  );
  const report = await mergeManifests(
    outputDir,
    folders.map((f) => f.path),
  );
  logReport(report);
  const manifest = await readManifest(outputDir);
  const images = manifest.entries.flatMap((e) => e.images.map((i) => displayPath(join(outputDir, i.file))));
  core.setOutput('images', JSON.stringify(images));
  core.setOutput('manifest', displayPath(report.manifestPath));
  core.setOutput('count', images.length);
  core.setOutput('generated', 0);
  core.setOutput('skipped', 0);
  core.setOutput('failed', report.problems.length);
  core.setOutput('merged', report.merged.length);
  core.setOutput('shard', '');
  core.setOutput('cost', '0'); // nothing was sent
  core.setOutput('usage', '{}');
  const entries = `${report.merged.length} entr${report.merged.length === 1 ? 'y' : 'ies'}`;
  log.info(
    `${entries} merged, ${report.skipped.length} already there, ${report.conflicts.length} conflict(s), ` +
      `${report.problems.length} problem(s); ${images.length} image(s) in ${displayPath(outputDir)}.`,
  );
  await writeMergeSummary(report, folders, images.length);
  if (report.problems.length) {
    const message = `${report.problems.length} problem(s) while merging; what checked out was merged:\n${report.problems
      .map((p) => `${displayPath(p.source)}: ${p.message}`)
      .join('\n')}`;
    if (failOnPartial || images.length === 0) log.fail(message);
    else log.warning(message);
  }
}
