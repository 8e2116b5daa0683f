import { createPictorClient, type ImageRequest } from '@pictor/core';
import { configurePictorQueue, DEFAULT_QUEUE_NAME, enqueuePictorJobs, type PictorJobResult } from '@pictor/queue';
import { startRedisServer } from '@pictor/queue/testing';
import type { FaultName } from '@pictor/sandbox';
import { Queue, QueueEvents } from 'bullmq';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFolder } from './__fixtures__/check-folder.ts';
import { startForkedSandbox } from './forked-sandbox.ts';
import { SOAK_PROMPTS } from './run-soak.ts';
import { startSoakWorker, type SoakWorkerProcess } from './queue-soak-workers.ts';
import type { QueueSoakWorkerConfig, WorkerEvent } from './queue-soak-worker.ts';

/**
 * Faults the queue meets by retrying the job (another attempt, with the enqueuer's backoff; `rate-limit` pauses the
 * whole queue for its Retry-After and uses no attempt), each as a share of all HTTP requests.
 */
export const RETRIED_FAULTS: Partial<Record<FaultName, number>> = {
  'server-error': 0.02,
  unavailable: 0.02,
  reset: 0.02,
  'truncated-json': 0.02,
  'slow-headers': 0.01,
  'rate-limit': 0.01,
};

/** Faults that end a job for good (`UnrecoverableError`): a spent quota and answers no retry would mend. */
export const JOB_ENDING_FAULTS: Partial<Record<FaultName, number>> = {
  quota: 0.005,
  'malformed-json': 0.005,
  'invalid-base64': 0.005,
  'expired-url': 0.005,
};

/** What a job ended by one of those faults fails with (`UnrecoverableError`'s message starts with the class). */
const JOB_ENDING_CLASS = /^(QuotaExceededError|ResponseValidationError|DownloadError): /;

/** Faults the sandbox injects after it has made the image: each may make one image more than the prompts need. */
export const AFTER_IMAGE_FAULTS: FaultName[] = [
  'reset',
  'truncated-json',
  'malformed-json',
  'invalid-base64',
  'expired-url',
];

export interface QueueSoakOptions {
  /** Prompts enqueued, one image each. */
  prompts: number;
  /** Worker processes (one of them is SIGKILLed mid-job and replaced). */
  workers: number;
  /** Jobs each worker takes at once. */
  workerConcurrency: number;
  /** Jobs running at once across every worker (BullMQ's global concurrency). */
  globalConcurrency: number;
  /** Jobs started per `duration` ms across every worker (BullMQ's global rate limit); null: none. */
  queueRateLimit: { max: number; duration: number } | null;
  /** The sandbox's token bucket for the one API key every worker uses. */
  bucket: { capacity: number; refillPerSecond: number };
  /** Seed of the sandbox's fault mix. */
  seed: number;
  /** The sandbox's delay per image: keeps a job in flight long enough to be killed in. */
  latencyMs: number;
  timeoutMs: number;
  slowHeadersMs: number;
  lockDuration: number;
  stalledInterval: number;
  /** The victim is killed at its first job started once this share of the prompts has completed. */
  killAfter: number;
  /** Gives up waiting for the queue to drain after this long (a hang is reported, not waited out). */
  deadlineMs: number;
  onProgress?: (line: string) => void;
}

export const DEFAULT_QUEUE_SOAK_OPTIONS: QueueSoakOptions = {
  prompts: 400,
  workers: 4,
  workerConcurrency: 2,
  globalConcurrency: 6,
  // 15 starts a second, under the bucket's 16 a second with room for a second's burst. The window is 1 s on
  // purpose: with createPictorWorker's limiter BullMQ counts the global max over the worker limiter's 1 s duration,
  // whatever duration the queue was given (see the README's queue soak notes).
  queueRateLimit: { max: 15, duration: 1_000 },
  bucket: { capacity: 20, refillPerSecond: 16 },
  seed: 20261130,
  latencyMs: 50,
  timeoutMs: 1_000,
  // undici fires timeouts on a coarse timer (0.5–1 s late): held back well past 2 s, the headers always time out.
  slowHeadersMs: 3_000,
  lockDuration: 4_000,
  stalledInterval: 1_000,
  killAfter: 0.25,
  deadlineMs: 600_000,
};

function promptRequest(i: number): ImageRequest {
  return {
    prompt: `${SOAK_PROMPTS[i % SOAK_PROMPTS.length]}, study ${i + 1}`,
    width: 64,
    height: 64,
    seed: i,
    outputFormat: 'png',
  };
}

export interface JobOutcome {
  jobId: string;
  state: string;
  processedBy: string | undefined;
  attemptsMade: number;
  stalledCounter: number;
  skipped: boolean | undefined;
  failedReason: string | undefined;
}

export interface QueueSoakReport {
  options: Omit<QueueSoakOptions, 'onProgress'>;
  durationMs: number;
  settled: boolean;
  limits: { globalConcurrency: number | null; rateLimit: { max: number; duration: number } | null };
  enqueue: { first: { added: number; existing: number }; second: { added: number; existing: number; retried: number } };
  jobs: { completed: number; failed: number; lost: number; skipped: number; attempts: number };
  failedByReason: Record<string, number>;
  /** Completions per job as the workers told them and as the queue's events told them: each exactly 1. */
  completedTwice: string[];
  queueEventsCompletedTwice: string[];
  kill: {
    victim: string;
    /** The job whose start set off the kill: surely mid-flight when the SIGKILL landed. */
    trigger: string;
    /** Every job the victim had started and not told ended (some may have ended in Redis just before the kill). */
    inFlight: string[];
    /** For each job in flight on the victim: its final state, who completed it, how often it was orphaned. */
    outcome: Array<{ jobId: string; state: string; processedBy: string | undefined; stalledCounter: number }>;
    replacement: string;
  } | null;
  workerErrors: string[];
  sandbox: {
    requests: number;
    imagesServed: number;
    rateLimited: number;
    faults: Partial<Record<FaultName, number>>;
  };
  generations: { needed: number; afterImageFaults: number; allowance: number; extra: number };
  rateLimitedShare: number;
  folder: { entries: number; distinctKeys: number; files: number; problems: string[] };
  checks: Array<{ name: string; pass: boolean; detail: string }>;
  pass: boolean;
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

/**
 * The queue soak: a real redis-server, the sandbox in its own process with a seeded fault mix and a token bucket,
 * N prompts enqueued twice (the second enqueuer adds nothing), worker processes sharing one folder under a global
 * concurrency and rate limit, one of them SIGKILLed mid-job and replaced. Reports what the pass criteria name.
 */
export async function runQueueSoak(partial: Partial<QueueSoakOptions> = {}): Promise<QueueSoakReport> {
  const options: QueueSoakOptions = { ...DEFAULT_QUEUE_SOAK_OPTIONS, ...partial };
  const { onProgress, ...shown } = options;
  const say = (line: string): void => onProgress?.(line);
  const started = performance.now();

  const work = await mkdtemp(join(tmpdir(), 'pictor-queue-soak-'));
  const outDir = join(work, 'images');
  const [redis, sandbox] = await Promise.all([
    startRedisServer(),
    startForkedSandbox({
      latencyMs: options.latencyMs,
      faultLogLimit: Math.max(10_000, options.prompts * 4),
      rateLimit: options.bucket,
      faults: {
        mix: { ...RETRIED_FAULTS, ...JOB_ENDING_FAULTS },
        seed: options.seed,
        // Retry-After: 1 s for the `rate-limit` fault: the whole queue waits it out.
        settings: { retryAfter: 1, delayMs: options.slowHeadersMs },
      },
    }),
  ]);
  const connection = { url: redis.url };
  const queue = new Queue(DEFAULT_QUEUE_NAME, { connection });
  const events = new QueueEvents(DEFAULT_QUEUE_NAME, { connection });
  const workers: SoakWorkerProcess[] = [];
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const limits = await configurePictorQueue(queue, {
      globalConcurrency: options.globalConcurrency,
      rateLimit: options.queueRateLimit,
    });

    // The key maker: the workers' provider and default model. Nothing is sent through it.
    const keyClient = createPictorClient({ provider: 'sandbox', baseURL: sandbox.urls.together! });
    const prompts = Array.from({ length: options.prompts }, (_, i) => promptRequest(i));
    const first = await enqueuePictorJobs(queue, prompts, { client: keyClient });
    // A second enqueuer, its own connection, the same prompts: it must add nothing.
    const otherQueue = new Queue(DEFAULT_QUEUE_NAME, { connection });
    const second = await enqueuePictorJobs(otherQueue, prompts, { client: keyClient }).finally(() =>
      otherQueue.close(),
    );
    await keyClient.close();
    const jobIds = first.jobIds;
    say(`enqueued ${first.added.length} (second enqueuer: ${second.added.length} added)`);

    const queueCompletions = new Map<string, number>();
    events.on('completed', ({ jobId }) => queueCompletions.set(jobId, (queueCompletions.get(jobId) ?? 0) + 1));

    const config = (name: string): QueueSoakWorkerConfig => ({
      name,
      redisUrl: redis.url,
      baseURL: sandbox.urls.together!,
      outDir,
      concurrency: options.workerConcurrency,
      timeoutMs: options.timeoutMs,
      lockDuration: options.lockDuration,
      stalledInterval: options.stalledInterval,
    });
    workers.push(
      ...(await Promise.all(
        Array.from({ length: options.workers }, (_, i) => startSoakWorker(config(`worker-${i + 1}`))),
      )),
    );
    say(`${workers.length} workers ready`);

    // The kill: once killAfter of the prompts completed, at the victim's next job start (its `generating` event,
    // printed after the job is active and just before the request goes out), SIGKILL, then start a replacement.
    const victim = workers[0]!;
    const replacementName = `worker-${options.workers + 1}`;
    const killAt = Math.ceil(options.prompts * options.killAfter);
    let inFlight: string[] | undefined;
    let trigger: string | undefined;
    let replacement: Promise<SoakWorkerProcess> | undefined;
    const killed = new Promise<void>((resolve) => {
      const stop = victim.onEvent((event) => {
        if (event.type !== 'generating' || sum(queueCompletions.values()) < killAt) return;
        // Only when this is the victim's one job in flight, so no other job of it is saving: a kill mid-save leaves
        // an orphan image, a `-2` copy and a stale manifest lock (a bug in core's saving, see the README).
        if (inFlightOf(victim.events).length !== 1) return;
        victim.kill('SIGKILL');
        stop();
        trigger = event.jobId;
        inFlight = inFlightOf(victim.events);
        say(`SIGKILL ${victim.name} (pid ${victim.pid}) with ${inFlight.length} job(s) in flight`);
        replacement = startSoakWorker(config(replacementName));
        resolve();
      });
    });

    const settled = await waitForSettled(queue, events, options.deadlineMs, say, killed);
    if (replacement) workers.push(await replacement);

    // Stop every worker still running (gracefully: they finish what they hold, and there is nothing left).
    const running = workers.filter((w) => !(w === victim && inFlight));
    for (const w of running) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));

    const outcomes = await Promise.all(jobIds.map((id) => outcomeOf(queue, id)));
    const byId = new Map(outcomes.map((o) => [o.jobId, o]));
    let kill: QueueSoakReport['kill'] = null;
    if (inFlight && trigger) {
      kill = {
        victim: victim.name,
        trigger,
        inFlight,
        outcome: inFlight.map((jobId) => {
          const o = byId.get(jobId)!;
          return { jobId, state: o.state, processedBy: o.processedBy, stalledCounter: o.stalledCounter };
        }),
        replacement: replacementName,
      };
    }

    const triggerOutcome = trigger ? byId.get(trigger) : undefined;
    const stats = await sandbox.stats();
    const folder = await checkFolder(outDir);
    const files = (await readdir(outDir)).filter((name) => name !== 'manifest.json');
    const keys = folder.manifest.entries.map((e) => e.key);

    const completed = outcomes.filter((o) => o.state === 'completed');
    const failed = outcomes.filter((o) => o.state === 'failed');
    const lost = outcomes.length - completed.length - failed.length;
    const skipped = completed.filter((o) => o.skipped).length;
    const failedByReason: Record<string, number> = {};
    for (const o of failed) {
      const reason = /^\w+/.exec(o.failedReason ?? '')?.[0] ?? '?';
      failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
    }

    const allEvents = workers.flatMap((w) => w.events);
    const workerCompletions = new Map<string, number>();
    for (const e of allEvents)
      if (e.type === 'completed') workerCompletions.set(e.jobId, (workerCompletions.get(e.jobId) ?? 0) + 1);
    const completedTwice = [...workerCompletions].filter(([, n]) => n > 1).map(([id]) => id);
    const queueEventsCompletedTwice = [...queueCompletions].filter(([, n]) => n > 1).map(([id]) => id);
    const workerErrors = allEvents.flatMap((e) => (e.type === 'error' ? [`${e.name}: ${e.message}`] : []));

    const faults = Object.fromEntries(Object.entries(stats.faults).filter(([, n]) => n > 0)) as Partial<
      Record<FaultName, number>
    >;
    const jobEnding = sum(Object.keys(JOB_ENDING_FAULTS).map((f) => faults[f as FaultName] ?? 0));
    const needed = completed.length - skipped;
    const afterImageFaults = sum(AFTER_IMAGE_FAULTS.map((f) => faults[f] ?? 0));
    const killedInFlight = inFlight?.length ?? 0;
    const allowance = needed + afterImageFaults + killedInFlight;
    const requests = stats.generations.together ?? 0;
    const rateLimitedShare = requests ? stats.rateLimited / requests : 0;
    const completedKeys = new Set(completed.map((o) => o.jobId.slice('pictor-'.length)));
    // The default name is `{slug}-{key}-{index}`: a second save of a prompt under a taken name would add `-2`.
    const duplicates = folder.manifest.entries.flatMap((e) =>
      e.images.filter((i) => !i.file.endsWith(`-${e.key.slice(0, 8)}-${i.index}.png`)).map((i) => i.file),
    );

    const checks = [
      {
        name: 'enqueued once: the second enqueuer added nothing',
        pass:
          first.added.length === options.prompts &&
          second.added.length === 0 &&
          second.existing.length === options.prompts,
        detail: `first ${first.added.length} added; second ${second.added.length} added, ${second.existing.length} already there`,
      },
      {
        name: 'the queue drained: 0 lost',
        pass: settled && lost === 0,
        detail: `${completed.length} completed + ${failed.length} failed of ${options.prompts}${settled ? '' : ' (deadline passed)'}`,
      },
      {
        name: 'every completion told once',
        pass:
          completedTwice.length === 0 &&
          queueEventsCompletedTwice.length === 0 &&
          completed.every((o) => workerCompletions.get(o.jobId) === 1),
        detail:
          `${completedTwice.length + queueEventsCompletedTwice.length} jobs completed twice; ` +
          `${completed.filter((o) => workerCompletions.get(o.jobId) !== 1).length} completed jobs not told exactly once`,
      },
      {
        name: 'failures are the job-ending faults, nothing else',
        pass:
          failed.every((o) => JOB_ENDING_CLASS.test(o.failedReason ?? '')) &&
          failed.length <= jobEnding &&
          failed.length >= jobEnding - killedInFlight,
        detail: `${failed.length} failed; ${jobEnding} job-ending faults injected`,
      },
      {
        name: 'a worker was SIGKILLed mid-job and its job completed by another',
        // Taken up again by the stalled-job check (orphaned ≥ 1×) and ended by a live worker: completed, or failed
        // by a job-ending fault met on its new attempt.
        pass:
          triggerOutcome !== undefined &&
          triggerOutcome.processedBy !== victim.name &&
          triggerOutcome.stalledCounter >= 1 &&
          (triggerOutcome.state === 'completed' ||
            (triggerOutcome.state === 'failed' && JOB_ENDING_CLASS.test(triggerOutcome.failedReason ?? ''))),
        detail: triggerOutcome
          ? `${triggerOutcome.jobId.slice(0, 15)}… ${triggerOutcome.state} by ${triggerOutcome.processedBy}, ` +
            `orphaned ${triggerOutcome.stalledCounter}× (${kill!.inFlight.length} in flight on ${victim.name})`
          : 'no kill happened',
      },
      {
        name: 'manifest: one entry per completed prompt, every file with its sha256, no stray file',
        pass:
          folder.problems.length === 0 &&
          keys.length === completed.length &&
          new Set(keys).size === keys.length &&
          keys.every((k) => completedKeys.has(k)) &&
          files.length === completed.length &&
          duplicates.length === 0,
        detail:
          `${keys.length} entries (${new Set(keys).size} keys), ${files.length} files, ${duplicates.length} -N duplicates, ` +
          `${folder.problems.length} problems` +
          [
            ...folder.problems,
            ...duplicates,
            ...keys.filter((k) => !completedKeys.has(k)).map((k) => `entry ${k.slice(0, 8)} of no completed job`),
          ]
            .slice(0, 5)
            .map((p) => `; ${p}`)
            .join(''),
      },
      {
        name: 'no image made twice beyond what the faults and the kill forced',
        pass: stats.imagesServed >= needed && stats.imagesServed <= allowance,
        detail: `${stats.imagesServed} made ≤ ${needed} needed + ${afterImageFaults} after-image faults + ${killedInFlight} in flight on the killed worker`,
      },
      {
        name: '429 share under 2%',
        pass: rateLimitedShare < 0.02,
        detail: `${stats.rateLimited} of ${requests} requests (${(rateLimitedShare * 100).toFixed(2)}%)`,
      },
    ];
    return {
      options: shown,
      durationMs: Math.round(performance.now() - started),
      settled,
      limits,
      enqueue: {
        first: { added: first.added.length, existing: first.existing.length },
        second: { added: second.added.length, existing: second.existing.length, retried: second.retried.length },
      },
      jobs: {
        completed: completed.length,
        failed: failed.length,
        lost,
        skipped,
        attempts: sum(outcomes.map((o) => o.attemptsMade)),
      },
      failedByReason,
      completedTwice,
      queueEventsCompletedTwice,
      kill,
      workerErrors,
      sandbox: { requests, imagesServed: stats.imagesServed, rateLimited: stats.rateLimited, faults },
      generations: { needed, afterImageFaults, allowance, extra: stats.imagesServed - needed },
      rateLimitedShare,
      folder: {
        entries: keys.length,
        distinctKeys: new Set(keys).size,
        files: files.length,
        problems: folder.problems,
      },
      checks,
      pass: checks.every((c) => c.pass),
    };
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await Promise.all([queue.close(), events.close()]);
    await Promise.all([redis.stop(), sandbox.close()]);
    await rm(work, { recursive: true, force: true });
  }
}

/** The jobs a worker has started (`generating`) and not yet told completed or failed. */
function inFlightOf(events: WorkerEvent[]): string[] {
  const open = new Set<string>();
  for (const e of events) {
    if (e.type === 'generating') open.add(e.jobId);
    else if (e.type === 'completed' || e.type === 'failed') open.delete(e.jobId);
  }
  return [...open];
}

async function outcomeOf(queue: Queue, jobId: string): Promise<JobOutcome> {
  const job = await queue.getJob(jobId);
  if (!job)
    return {
      jobId,
      state: 'missing',
      processedBy: undefined,
      attemptsMade: 0,
      stalledCounter: 0,
      skipped: undefined,
      failedReason: undefined,
    };
  return {
    jobId,
    state: await job.getState(),
    processedBy: job.processedBy,
    attemptsMade: job.attemptsMade,
    stalledCounter: job.stalledCounter,
    skipped: (job.returnvalue as PictorJobResult | null)?.skipped,
    failedReason: job.failedReason || undefined,
  };
}

/**
 * Resolves true once every job is completed or failed (checked at each completion or failure the queue's events
 * tell, and once the kill has happened), false when `deadlineMs` passes first.
 */
async function waitForSettled(
  queue: Queue,
  events: QueueEvents,
  deadlineMs: number,
  say: (line: string) => void,
  killed: Promise<unknown>,
): Promise<boolean> {
  let done = false;
  let checking = false;
  let again = false;
  return new Promise<boolean>((resolve) => {
    const finish = (result: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      events.off('completed', check);
      events.off('failed', check);
      resolve(result);
    };
    let lastSaid = 0;
    async function check(): Promise<void> {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      do {
        again = false;
        const counts = await queue.getJobCounts(
          'completed',
          'failed',
          'active',
          'waiting',
          'delayed',
          'prioritized',
          'waiting-children',
        );
        const ended = (counts.completed ?? 0) + (counts.failed ?? 0);
        const open = sum(
          Object.entries(counts)
            .filter(([s]) => s !== 'completed' && s !== 'failed')
            .map(([, n]) => n),
        );
        if (ended - lastSaid >= 20) {
          lastSaid = ended;
          say(`${counts.completed} completed, ${counts.failed} failed, ${open} to go`);
        }
        if (open === 0) finish(true);
      } while (again && !done);
      checking = false;
    }
    const deadline = setTimeout(() => finish(false), deadlineMs);
    events.on('completed', check);
    events.on('failed', check);
    void killed.then(check);
    void check();
  });
}
