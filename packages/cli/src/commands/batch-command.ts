import { fileNamePatternProblem, ValidationError, type FieldIssue, type PictorClient } from '@pictor/core';
import {
  batchFormatOf,
  jobsInShard,
  parseBatchFile,
  runBatch,
  type BatchJob,
  type BatchReport,
  type Shard,
} from '@pictor/core/batch';
import { Command } from 'commander';
import { createBatchProgress } from '../batch-progress.js';
import {
  addClientOptions,
  addCostOptions,
  addOutputOptions,
  addRequestOptions,
  requestFromFlags,
  type ClientFlags,
  type CostFlags,
  type OutputFlags,
  type RequestFlags,
} from '../command-options.js';
import type { CommandContext } from '../command-context.js';
import { displayPath } from '../display-path.js';
import { printPlan, type PlannedPrompt } from '../dry-run.js';
import { costJson, formatTotal, sumCosts, type CostJson } from '../format-cost.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { formatWarning } from '../format-warning.js';
import { writeGallery } from '../gallery/write-gallery.js';
import { interruptSignal } from '../interrupt-signal.js';
import { manifestWarner } from '../manifest-warnings.js';
import { openClient } from '../open-client.js';
import { integer } from '../parse-number.js';
import { readPromptsFile } from '../read-prompts-file.js';
import { shardOption } from '../shard-option.js';
import { redisUrl, type RedisTarget } from '../redis-url.js';
import { queueBatch } from './queue-batch.js';

type BatchFlags = RequestFlags &
  ClientFlags &
  OutputFlags &
  CostFlags & {
    concurrency?: number;
    resume: boolean;
    shard?: Shard;
    queue?: RedisTarget;
    queueName?: string;
    wait?: boolean;
  };

const EXAMPLES = `
Examples:
  $ pictor batch prompts.jsonl
  $ pictor batch prompts.yaml --out ./shots --concurrency 4 --gallery
  $ pictor batch prompts.txt --aspect 16:9 -n 2          # flags are defaults; each line may override them
  $ pictor batch prompts.jsonl --dry-run                  # each prompt's plan and estimated cost; nothing sent
  $ pictor batch prompts.jsonl --max-cost 2               # stops before a call that would pass $2 (exit 6)
  $ pictor batch prompts.jsonl --shard 2/4 --out shard-2  # this machine's share; then pictor manifest merge

Prompts files (blank lines and lines starting with # are skipped):
  prompts.jsonl   one JSON value a line: "a prompt" or {"prompt": "…", "n": 2, "seed": 7, "size": "1344x768", "fileName": "…"}
  prompts.yaml    a list of the same, or {defaults: {…}, prompts: [...]}
  prompts.txt     one prompt a line

Resumable: a prompt whose images the folder's manifest.json already holds (files present, same sha256) is
skipped, so rerunning after a failure or Ctrl-C makes only what is missing (--no-resume regenerates everything).
Ctrl-C stops starting prompts, cancels those in flight and keeps every finished image; press it twice to quit at once.`;

/**
 * Every prompt planned and priced as `runBatch` would send it (its file-name patterns checked too); all problems at
 * once, by line, as a batch reports them.
 */
function planBatch(client: PictorClient, jobs: BatchJob[], fileName: string | undefined): PlannedPrompt[] {
  const issues: FieldIssue[] = [];
  const planned: PlannedPrompt[] = [];
  const problem = fileName === undefined ? undefined : fileNamePatternProblem(fileName);
  if (problem) issues.push({ field: 'fileName', message: problem });
  for (const job of jobs) {
    const jobProblem = job.fileName === undefined ? undefined : fileNamePatternProblem(job.fileName);
    if (jobProblem) issues.push({ field: `line ${job.line}.fileName`, message: jobProblem });
    try {
      planned.push({ line: job.line, prompt: job.request.prompt, estimate: client.estimateCost(job.request) });
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      for (const issue of error.issues) issues.push({ ...issue, field: `line ${job.line}.${issue.field}` });
    }
  }
  if (issues.length) throw new ValidationError(issues, 'batch');
  return planned;
}

async function dryRun(jobs: BatchJob[], flags: BatchFlags, ctx: CommandContext): Promise<number> {
  const session = await openClient(flags, ctx, { dryRun: true });
  try {
    printPlan(
      ctx.term,
      { provider: session.client.provider, label: session.label },
      planBatch(
        session.client,
        flags.shard ? jobsInShard({ client: session.client, jobs, shard: flags.shard }) : jobs,
        flags.fileName,
      ),
      flags.json,
    );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

function exitCode(report: BatchReport): number {
  if (report.aborted) return EXIT.interrupted;
  // A wrong key (or no access, no quota) stopped the batch: its own code, whatever was done before it.
  if (report.stoppedBy) return exitCodeFor(report.stoppedBy);
  if (report.failed === 0) return EXIT.ok;
  if (report.generated + report.skipped > 0) return EXIT.partial;
  return exitCodeFor(report.failures[0]?.error);
}

async function batch(file: string, flags: BatchFlags, ctx: CommandContext): Promise<number> {
  const { term } = ctx;
  ctx.errorContext.json = flags.json;
  const jobs = parseBatchFile(await readPromptsFile(file), batchFormatOf(file), requestFromFlags(flags));
  if (flags.queue) return queueBatch(jobs, { ...flags, queue: flags.queue }, ctx);
  if (flags.dryRun) return dryRun(jobs, flags, ctx);
  const session = await openClient(flags, ctx);
  const interrupt = interruptSignal(term, 'finishing what is saved, starting nothing new');
  const share = flags.shard ? jobsInShard({ client: session.client, jobs, shard: flags.shard }) : jobs;
  const progress = createBatchProgress(share.length, term);
  const onWarning = manifestWarner(term);
  // What each prompt made by this run cost, by position (skipped prompts cost this run nothing).
  const costs = new Map<number, CostJson>();
  let report: BatchReport;
  try {
    report = await runBatch({
      client: session.client,
      jobs,
      outDir: flags.out,
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      skipExisting: flags.resume,
      ...(flags.maxCost === undefined ? {} : { maxCost: flags.maxCost }),
      ...(flags.fileName ? { fileName: flags.fileName } : {}),
      ...(flags.shard ? { shard: flags.shard } : {}),
      signal: interrupt.signal,
      onWarning,
      onEvent: (event) => {
        progress.onEvent(event);
        if (event.type === 'saved') costs.set(event.position, costJson(event.result.cost));
        if (event.type === 'saved')
          for (const warning of event.result.warnings) term.warn(`line ${event.job.line}: ${formatWarning(warning)}`);
      },
    });
  } finally {
    progress.stop();
    interrupt.dispose();
    await session.close();
  }
  const gallery = flags.gallery ? await writeGallery(flags.out, { onWarning }) : undefined;

  if (flags.json) {
    const { failures, outcomes, ...counts } = report;
    term.json({
      ...counts,
      cost: sumCosts([...costs.values()]),
      galleryPath: gallery?.path ?? null,
      failures: failures.map((f) => ({ line: f.line, prompt: f.prompt, error: f.error.toJSON() })),
      prompts: outcomes.map((o) => ({
        line: o.line,
        prompt: o.prompt,
        status: o.status,
        files: o.images.map((image) => image.path),
        ...(costs.has(o.position) ? { cost: costs.get(o.position) } : {}),
        ...(o.error ? { error: o.error.toJSON() } : {}),
      })),
    });
  } else {
    for (const path of report.files) term.out(displayPath(path));
    const parts = [`${report.generated} generated`, `${report.skipped} already done`, `${report.failed} failed`];
    if (report.notStarted) parts.push(`${report.notStarted} not started`);
    if (report.stoppedBy) term.info(`Stopped at ${report.stoppedBy.name}: every other prompt would meet it too.`);
    term.info(
      `${report.aborted ? 'Interrupted' : 'Done'}: ${report.total} prompt${report.total === 1 ? '' : 's'}` +
        (report.shard
          ? ` (shard ${report.shard.index}/${report.shard.total}; ${report.otherShards} for the others)`
          : '') +
        `, ${parts.join(', ')}; ` +
        `manifest ${displayPath(report.manifestPath)}${gallery ? `; gallery ${displayPath(gallery.path)}` : ''}` +
        (report.aborted || report.failed ? '. Run the same command again to finish the rest.' : ''),
    );
    term.info(`cost of this run: ${formatTotal([...costs.values()], ['prompt', 'prompts'])}`);
  }
  return exitCode(report);
}

export function batchCommand(ctx: CommandContext): Command {
  const command = new Command('batch')
    .description('generate many prompts from a .jsonl, .yaml or .txt file, resumably, with a progress bar')
    .argument('<file>', 'prompts file (.jsonl, .yaml/.yml, or one prompt a line)')
    .option(
      '-c, --concurrency <n>',
      "prompts under way at once (default 16; the client paces calls to the provider's rate limit)",
      integer(1, 64),
    )
    .option('--no-resume', 'regenerate prompts the manifest already holds')
    .option(
      '--shard <i/n>',
      "run only this machine's share of the prompts, split by manifest key (e.g. 2/4)",
      shardOption,
    )
    .optionsGroup('Queue options:')
    .option(
      '--queue <redis-url>',
      'queue the prompts on this Redis for pictor worker instead of running them',
      redisUrl,
    )
    .option('--queue-name <name>', 'the queue (default pictor)')
    .option('--wait', 'with --queue: show progress until every prompt is done; exit non-zero if one failed');
  addRequestOptions(command);
  addCostOptions(command);
  addClientOptions(command);
  addOutputOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (file: string, flags: BatchFlags) => {
    ctx.exitCode = await batch(file, flags, ctx);
  });
}
