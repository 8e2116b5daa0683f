// One worker of the queue soak, as its own OS process (so it can be SIGKILLed): `createPictorWorker` over a sandbox
// client, printing one JSON line per job event on stdout for the soak to follow. Run with Node 24 (it strips types):
// `node src/queue-soak-worker.ts '<QueueSoakWorkerConfig as JSON>'`. SIGTERM closes it gracefully.
import { createPictorClient } from '@pictor/core';
import { createPictorWorker, type PictorJobProgress, type PictorJobResult } from '@pictor/queue';

export interface QueueSoakWorkerConfig {
  /** BullMQ's worker name: it is recorded on each job it takes (`job.processedBy`). */
  name: string;
  redisUrl: string;
  /** The sandbox's Together stand-in. */
  baseURL: string;
  outDir: string;
  concurrency: number;
  /** Per-attempt timeout of the client (the `slow-headers` fault holds headers back past it). */
  timeoutMs: number;
  /** Short, so a job orphaned by a killed worker is taken up again within seconds, not a minute. */
  lockDuration: number;
  stalledInterval: number;
}

/** What a worker prints, one JSON object a line. */
export type WorkerEvent =
  | { type: 'ready'; name: string; pid: number }
  | { type: 'generating'; name: string; jobId: string }
  | { type: 'completed'; name: string; jobId: string; skipped: boolean }
  | { type: 'failed'; name: string; jobId: string; error: string; attemptsMade: number }
  | { type: 'error'; name: string; message: string };

const config = JSON.parse(process.argv[2] ?? '{}') as QueueSoakWorkerConfig;
const say = (event: WorkerEvent): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

// No retries in the client: the queue retries, and a 429 pauses every worker (see processPictorJob).
const client = createPictorClient({
  provider: 'sandbox',
  baseURL: config.baseURL,
  apiKey: 'sk-queue-soak',
  maxRetries: 0,
  timeoutMs: config.timeoutMs,
});
const worker = createPictorWorker({
  connection: { url: config.redisUrl },
  client,
  outDir: config.outDir,
  concurrency: config.concurrency,
  workerOptions: { name: config.name, lockDuration: config.lockDuration, stalledInterval: config.stalledInterval },
});
const { name } = config;
worker.on('progress', (job, progress) => {
  // Told after the progress reached Redis and before the request is sent: the job is mid-flight from here.
  if ((progress as PictorJobProgress).stage === 'generating') say({ type: 'generating', name, jobId: job.id! });
});
worker.on('completed', (job, result: PictorJobResult) => {
  say({ type: 'completed', name, jobId: job.id!, skipped: result.skipped });
});
worker.on('failed', (job, error) => {
  say({
    type: 'failed',
    name,
    jobId: job?.id ?? '?',
    error: `${error.name}: ${error.message}`,
    attemptsMade: job?.attemptsMade ?? 0,
  });
});
worker.on('error', (error) => say({ type: 'error', name, message: error.message }));

process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => client.close())
    .then(() => process.exit(0));
});

await worker.waitUntilReady();
say({ type: 'ready', name, pid: process.pid });
