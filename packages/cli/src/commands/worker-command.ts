import { configurePictorQueue, createPictorWorker, DEFAULT_QUEUE_NAME, type PictorJobResult } from '@pictor/queue';
import { Queue } from 'bullmq';
import { Command } from 'commander';
import { resolve } from 'node:path';
import { addClientOptions, type ClientFlags } from '../command-options.js';
import type { CommandContext } from '../command-context.js';
import { displayPath } from '../display-path.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt-signal.js';
import { openClient } from '../open-client.js';
import { integer } from '../parse-number.js';
import { rateLimit, redisUrl, type RedisTarget } from '../redis-url.js';

type WorkerFlags = ClientFlags & {
  queue: RedisTarget;
  queueName?: string;
  out: string;
  concurrency: number;
  globalConcurrency?: number;
  rateLimit?: { max: number; duration: number };
};

const EXAMPLES = `
Examples:
  $ pictor worker --queue redis://127.0.0.1:6379 --out ./images
  $ pictor worker --queue redis://:secret@queue-host:6379 --out /mnt/shared/images --concurrency 4
  $ pictor worker --queue redis://127.0.0.1:6379 --out ./images --global-concurrency 8 --rate-limit 10/s

Runs the jobs \`pictor batch <file> --queue <url>\` queued, until Ctrl-C or SIGTERM (then it finishes the jobs in
flight and exits). Run as many as you like, on any machines that reach the Redis server and share the output folder
(or give each its own and join them with \`pictor manifest merge\`). A prompt the folder's manifest already holds is
skipped, so a job delivered again after a worker died is not paid for twice. --global-concurrency and --rate-limit
are stored with the queue: they hold across every worker at once. A 429 from the provider pauses the whole queue
for its Retry-After. The API key stays in this process: never in Redis, a job or a log line.`;

function shorten(prompt: string, max = 60): string {
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

async function runWorker(flags: WorkerFlags, ctx: CommandContext): Promise<number> {
  const { term } = ctx;
  term.addSecret(flags.queue.password);
  const queueName = flags.queueName ?? DEFAULT_QUEUE_NAME;
  const outDir = resolve(flags.out);
  // The queue retries (a 429 pauses every worker): the client itself retries nothing unless --retries says so.
  const session = await openClient({ ...flags, retries: flags.retries ?? 0 }, ctx);
  const connection = { url: flags.queue.url };
  // The queue's limits, set here when asked: the worker needs its rate limit too (BullMQ measures the window by it).
  const queue = new Queue(queueName, { connection });
  let rateLimit: { max: number; duration: number } | null;
  try {
    if (flags.globalConcurrency !== undefined || flags.rateLimit !== undefined) {
      const limits = await configurePictorQueue(queue, {
        ...(flags.globalConcurrency === undefined ? {} : { globalConcurrency: flags.globalConcurrency }),
        ...(flags.rateLimit === undefined ? {} : { rateLimit: flags.rateLimit }),
      });
      term.info(
        `Queue limits for every worker: ${limits.globalConcurrency ?? 'no'} jobs at once, ` +
          (limits.rateLimit ? `${limits.rateLimit.max} started per ${limits.rateLimit.duration} ms` : 'no rate limit'),
      );
    }
    rateLimit = await queue.getGlobalRateLimit();
  } finally {
    await queue.close();
  }
  const worker = createPictorWorker({
    connection,
    queueName,
    client: session.client,
    outDir,
    concurrency: flags.concurrency,
    rateLimit,
  });
  let lastError = '';
  worker.on('error', (error) => {
    // Told once per distinct message: a Redis that is down repeats itself while the worker reconnects.
    if (error.message !== lastError) term.error(`queue: ${error.message}`);
    lastError = error.message;
  });
  worker.on('completed', (job, result: PictorJobResult) => {
    const where = `line ${job.data.line ?? '?'} "${shorten(job.data.request.prompt)}"`;
    if (result.skipped) term.info(`skipped ${where}: already in the folder`);
    else term.info(`saved ${where}: ${result.images.map((image) => image.file).join(', ')}`);
  });
  worker.on('failed', (job, error) => {
    const prompt = typeof job?.data?.request?.prompt === 'string' ? shorten(job.data.request.prompt) : '?';
    const retry = job && job.attemptsMade < (job.opts.attempts ?? 1) && error.name !== 'UnrecoverableError';
    term.info(`${retry ? 'will retry' : 'failed'} "${prompt}": ${error.message}`);
  });
  const interrupt = interruptSignal(term, 'finishing the jobs in flight, taking no new one');
  try {
    await worker.waitUntilReady();
    term.info(
      `Worker ready: queue ${queueName} on ${flags.queue.where}, ${flags.concurrency} at a time, ` +
        `saving into ${displayPath(outDir)} with ${session.label}. Ctrl-C to stop.`,
    );
    await new Promise<void>((done) => interrupt.signal.addEventListener('abort', () => done(), { once: true }));
    await worker.close();
    term.info('Worker stopped.');
    return EXIT.ok;
  } finally {
    interrupt.dispose();
    await worker.close();
    await session.close();
  }
}

export function workerCommand(ctx: CommandContext): Command {
  const command = new Command('worker')
    .description('run queued prompts (from pictor batch --queue) into a folder, until stopped')
    .requiredOption('--queue <redis-url>', 'the Redis server of the queue, e.g. redis://127.0.0.1:6379', redisUrl)
    .option('--queue-name <name>', `the queue (default ${DEFAULT_QUEUE_NAME})`)
    .option('-o, --out <dir>', 'folder for the images and manifest.json, shared by the workers', './images')
    .option('-c, --concurrency <n>', 'jobs this worker runs at once', integer(1, 64), 2)
    .option('--global-concurrency <n>', 'set the most jobs running at once across all workers', integer(1, 10_000))
    .option('--rate-limit <n/s>', 'set the most jobs started per second (or /m, /h) across all workers', rateLimit);
  addClientOptions(command);
  return command.addHelpText('after', EXAMPLES).action(async (flags: WorkerFlags) => {
    ctx.exitCode = await runWorker(flags, ctx);
  });
}
