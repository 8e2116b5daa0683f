import type { BatchJob } from '@pictor/core/batch';
import { DEFAULT_QUEUE_NAME, enqueuePictorJobs, type PictorJobResult } from '@pictor/queue';
import { Queue, QueueEvents } from 'bullmq';
import type { CommandContext } from '../command-context.js';
import type { ClientFlags } from '../command-options.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt-signal.js';
import { openClient } from '../open-client.js';
import type { RedisTarget } from '../redis-url.js';
import { UsageError } from '../usage-error.js';

/** The flags of `pictor batch` that queue mode reads. */
export interface QueueBatchFlags extends ClientFlags {
  queue: RedisTarget;
  queueName?: string;
  wait?: boolean;
  json?: boolean;
  out: string;
}

/** Flags of a direct batch that mean nothing once workers elsewhere run the prompts. */
const DIRECT_ONLY: Array<[keyof QueueBatchFlags | string, string, (value: unknown) => boolean]> = [
  ['maxCost', '--max-cost', (v) => v !== undefined],
  ['gallery', '--gallery', (v) => v === true],
  ['shard', '--shard', (v) => v !== undefined],
  ['resume', '--no-resume', (v) => v === false],
  ['dryRun', '--dry-run', (v) => v === true],
];

function shorten(prompt: string, max = 60): string {
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/**
 * `pictor batch <file> --queue <url>`: one job per prompt on the queue (nothing added twice), for `pictor worker`s
 * to run; with `--wait`, progress from the queue's events until every one of them has ended.
 */
export async function queueBatch(jobs: BatchJob[], flags: QueueBatchFlags, ctx: CommandContext): Promise<number> {
  const { term } = ctx;
  for (const [name, flag, given] of DIRECT_ONLY) {
    if (given((flags as unknown as Record<string, unknown>)[name])) {
      throw new UsageError(`${flag} does not go with --queue: the workers run the prompts (see pictor worker --help)`);
    }
  }
  term.addSecret(flags.queue.password);
  const queueName = flags.queueName ?? DEFAULT_QUEUE_NAME;
  // The client only keys the prompts (provider and default model, as the workers will): nothing is sent through it.
  const session = await openClient(flags, ctx, { dryRun: true });
  const connection = { url: flags.queue.url };
  const queue = new Queue(queueName, { connection });
  const events = flags.wait ? new QueueEvents(queueName, { connection }) : undefined;
  // Listening starts before the jobs are added, so no job's end can be missed.
  const ends = new Map<string, { ok: true; result: PictorJobResult } | { ok: false; reason: string }>();
  let onEnd: (() => void) | undefined;
  events?.on('completed', ({ jobId, returnvalue }) => {
    ends.set(jobId, { ok: true, result: returnvalue as unknown as PictorJobResult });
    onEnd?.();
  });
  events?.on('failed', ({ jobId, failedReason }) => {
    ends.set(jobId, { ok: false, reason: failedReason });
    onEnd?.();
  });
  const interrupt = flags.wait ? interruptSignal(term, 'no longer waiting; the jobs stay queued') : undefined;
  try {
    await Promise.all([queue.waitUntilReady(), events?.waitUntilReady()]);
    const added = await enqueuePictorJobs(queue, jobs, { client: session.client });
    const ids = [...new Set(added.jobIds)];
    const retried = added.retried.length ? ` (${added.retried.length} failed before, queued again)` : '';
    const queued =
      `Queued ${ids.length} prompt${ids.length === 1 ? '' : 's'} on ${flags.queue.where} (queue ${queueName}): ` +
      `${added.added.length} added, ${added.existing.length - (added.jobIds.length - ids.length)} already there${retried}`;
    if (!events) {
      if (flags.json) term.json({ queue: queueName, redis: flags.queue.where, ...added });
      else term.info(`${queued}. Run pictor worker --queue … --out <dir> to make them.`);
      return EXIT.ok;
    }
    term.info(queued);
    const lineOf = new Map(jobs.map((job, i) => [added.jobIds[i]!, job]));
    // Jobs that ended before we listened (a rerun) are read from the queue.
    for (const id of ids) {
      const job = await queue.getJob(id);
      const state = await job?.getState();
      if (state === 'completed' && !ends.has(id))
        ends.set(id, { ok: true, result: job!.returnvalue as PictorJobResult });
      if (state === 'failed' && !ends.has(id)) ends.set(id, { ok: false, reason: job!.failedReason });
    }
    const told = new Set<string>();
    const counts = { generated: 0, skipped: 0, failed: 0 };
    const tell = () => {
      for (const id of ids) {
        const end = ends.get(id);
        if (!end || told.has(id)) continue;
        told.add(id);
        const job = lineOf.get(id)!;
        const where = `line ${job.line} "${shorten(job.request.prompt)}"`;
        if (!end.ok) {
          counts.failed++;
          term.info(`[${told.size}/${ids.length}] failed ${where}: ${end.reason}`);
        } else if (end.result.skipped) {
          counts.skipped++;
          term.info(`[${told.size}/${ids.length}] skipped ${where}: already in the folder`);
        } else {
          counts.generated++;
          const n = end.result.images.length;
          term.info(`[${told.size}/${ids.length}] saved ${where}: ${n} image${n === 1 ? '' : 's'}`);
        }
      }
    };
    tell();
    while (told.size < ids.length && !interrupt!.signal.aborted) {
      await new Promise<void>((resolve) => {
        onEnd = resolve;
        interrupt!.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      tell();
    }
    const aborted = told.size < ids.length;
    const report = { ...counts, total: ids.length, waiting: ids.length - told.size };
    if (flags.json) term.json({ queue: queueName, redis: flags.queue.where, ...added, ...report, aborted });
    term.info(
      `${aborted ? 'Stopped waiting' : 'Done'}: ${ids.length} prompt${ids.length === 1 ? '' : 's'}, ` +
        `${counts.generated} generated, ${counts.skipped} already done, ${counts.failed} failed` +
        (aborted ? `, ${report.waiting} still queued` : '') +
        `; images in the workers' folder (${flags.out} if they share this one)`,
    );
    if (aborted) return EXIT.interrupted;
    if (counts.failed === 0) return EXIT.ok;
    return counts.generated + counts.skipped > 0 ? EXIT.partial : EXIT.other;
  } finally {
    interrupt?.dispose();
    await Promise.all([queue.close(), events?.close(), session.close()]);
  }
}
