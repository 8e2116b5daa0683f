import { createPictorClient, PictorError, type ImageRequest, type PictorClient, type RetryEvent } from '@pictor/core';
import { FAULT_NAMES, type FaultName } from '@pictor/sandbox';
import { accountFaults, ObservationLedger, type FaultAccount, type TaskRecord } from './fault-accounting.ts';
import { ExchangeTracker } from './exchange-tracker.ts';
import { startForkedSandbox } from './forked-sandbox.ts';
import { SocketTracker } from './socket-tracker.ts';

/** The ten faults of the issue, mixed in equal parts. (`oversized` is the download cap's business, not the soak's.) */
export const SOAK_FAULTS: FaultName[] = FAULT_NAMES.filter((name) => name !== 'oversized');

export interface SoakOptions {
  /** Measured `generate()` calls. Default 10 000. */
  requests: number;
  /** Share of sandbox answers that carry a fault (drawn per HTTP request, retries included). Default 0.15. */
  faultRate: number;
  /** Seed of the sandbox's fault mix. */
  seed: number;
  /** `generate()` calls in flight. */
  concurrency: number;
  /**
   * The client's per-attempt timeout. undici runs header and body timeouts on its coarse timer (ticks of ~0.5 s),
   * so a 150 ms timeout fires 0.5–1 s after the request: `slowHeadersMs` must stay above that.
   */
  timeoutMs: number;
  /** How long the `slow-headers` fault holds the headers back. */
  slowHeadersMs: number;
  /**
   * Unmeasured calls first, so pools, caches and the JIT reach their working size before the start RSS is taken.
   * Run node with `--max-semi-space-size=16` (as `pnpm soak` does): V8 otherwise doubles its young generation
   * mid-run under the soak's allocation rate (seen: new space 32 → 64 MiB, +11 MiB of RSS, +8–10%), which is a
   * GC sizing decision, not retained memory. With it pinned, RSS stays within ±2% after a 1 000-call warm-up, and
   * the heap after GC is flat (~16 MiB).
   */
  warmup: number;
  /** Told every ~5% of the measured calls. */
  onProgress?: (done: number, total: number) => void;
  /** Told every ~5% of the measured calls, after a full GC (slows the run a little; for investigating memory). */
  onMemory?: (done: number, memory: NodeJS.MemoryUsage) => void;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  requests: 10_000,
  faultRate: 0.15,
  seed: 20261122,
  concurrency: 8,
  timeoutMs: 150,
  slowHeadersMs: 1500,
  warmup: 2000,
};

export interface SoakReport {
  options: Omit<SoakOptions, 'onProgress' | 'onMemory'>;
  durationMs: number;
  requests: number;
  succeeded: number;
  /** Final failures that are Pictor's typed errors, by class. */
  failedByClass: Record<string, number>;
  /** Final failures that are not Pictor errors (raw TypeError, SyntaxError, undici errors, …). */
  untypedFailures: number;
  untypedExamples: string[];
  retries: number;
  /** HTTP attempts the sandbox answered on the images route during the measured run. */
  attempts: number;
  unhandledRejections: number;
  uncaughtExceptions: number;
  /** Sockets undici held open just before `close()` (the keep-alive pool: proves the probe sees them). */
  clientSocketsBeforeClose: number;
  /** Sockets still open right after `close()` of every client: undici's (by its channel) or any TCP handle. */
  clientSocketsAfterClose: number;
  /** TCP connections the sandbox still held once the clients closed (after at most 2 s for FINs to arrive). */
  sandboxSocketsAfterClose: number;
  /** After the warm-up and after the last request and `close()`, each after a full GC. */
  rss: { startBytes: number; endBytes: number; growth: number };
  /** V8 heap in use at the same two points: flat when nothing is retained. */
  heapUsed: { startBytes: number; endBytes: number };
  faults: FaultAccount;
  /** Tasks whose retry events and HTTP attempts did not line up. */
  inconsistentTasks: number;
  checks: Array<{ name: string; pass: boolean; detail: string }>;
  pass: boolean;
}

/** The prompts both soaks cycle through. */
export const SOAK_PROMPTS = [
  'a lighthouse at dusk',
  'a red fox in fresh snow',
  'isometric city block at night',
  'a bowl of ramen, studio light',
  'watercolour harbour with boats',
  'a robot tending a bonsai tree',
  'brutalist library interior',
  'macro shot of a dew drop',
];

/** The i-th request of the soak: Together dialect at 64×64, a quarter OpenAI dialect (dall-e-2), about one in six by URL. */
function requestFor(i: number): { dialect: 'together' | 'openai'; request: ImageRequest } {
  const prompt = SOAK_PROMPTS[i % SOAK_PROMPTS.length]!;
  const responseFormat = i % 8 === 3 || i % 16 === 5 ? 'url' : 'base64';
  if (i % 4 === 1)
    return { dialect: 'openai', request: { prompt, model: 'dall-e-2', size: '256x256', responseFormat } };
  return {
    dialect: 'together',
    request: { prompt, width: 64, height: 64, seed: i % 16, outputFormat: i % 2 ? 'jpeg' : 'png', responseFormat },
  };
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `requests` image generations through `@pictor/core` against a sandbox (in a child process) whose seeded
 * mix injects `faultRate` faults, and measures what the issue's pass criteria name.
 */
export async function runSoak(partial: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const options: SoakOptions = { ...DEFAULT_SOAK_OPTIONS, ...partial };
  const { onProgress, onMemory: _onMemory, ...shown } = options;
  let unhandledRejections = 0;
  let uncaughtExceptions = 0;
  const onUnhandled = (): void => {
    unhandledRejections += 1;
  };
  const onUncaught = (): void => {
    uncaughtExceptions += 1;
  };
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUncaught);

  const tracker = new ExchangeTracker<TaskRecord>();
  tracker.start();
  const sockets = new SocketTracker();
  sockets.start();
  const share = options.faultRate / SOAK_FAULTS.length;
  const sandbox = await startForkedSandbox({
    latencyMs: 0,
    // Every fault is accounted for from the sandbox's log: keep one entry per attempt, however long the soak.
    faultLogLimit: Math.max(10_000, options.requests * 3),
    faults: {
      mix: Object.fromEntries(SOAK_FAULTS.map((f) => [f, share])),
      seed: options.seed,
      // Retry-After: 0 keeps the soak quick; the header is still sent and honoured.
      settings: { retryAfter: 0, delayMs: options.slowHeadersMs },
    },
  });

  const onRetry = (event: RetryEvent): void => {
    tracker.current()?.retries.push({ attempt: event.attempt, errorClass: event.error.name });
  };
  const common = {
    apiKey: 'sk-soak-0000',
    timeoutMs: options.timeoutMs,
    maxRetries: 2,
    retryDelay: { initialMs: 5, maxMs: 40 },
    concurrency: options.concurrency,
    onRetry,
  } as const;
  const clients: Record<'together' | 'openai', PictorClient> = {
    together: createPictorClient({
      ...common,
      provider: 'custom',
      dialect: 'together',
      baseURL: sandbox.urls.together,
      model: 'black-forest-labs/FLUX.1-schnell',
    }),
    openai: createPictorClient({
      ...common,
      provider: 'custom',
      dialect: 'openai',
      baseURL: sandbox.urls.openai,
      model: 'dall-e-2',
    }),
  };

  const ledger = new ObservationLedger();
  const failedByClass: Record<string, number> = {};
  const untypedExamples: string[] = [];
  let succeeded = 0;
  let untypedFailures = 0;
  let retries = 0;

  async function one(i: number, measured: boolean): Promise<void> {
    const { dialect, request } = requestFor(i);
    const task: TaskRecord = { exchanges: [], retries: [] };
    try {
      const result = await tracker.track(task, () => clients[dialect].generate(request));
      if (result.images.length !== 1) throw new Error(`expected 1 image, got ${result.images.length}`);
      if (measured) succeeded += 1;
    } catch (error) {
      if (!measured) return;
      if (PictorError.isInstance(error)) {
        failedByClass[error.name] = (failedByClass[error.name] ?? 0) + 1;
        task.finalError = error.name;
      } else {
        untypedFailures += 1;
        if (untypedExamples.length < 5)
          untypedExamples.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    }
    if (measured) {
      retries += task.retries.length;
      ledger.add(task);
    }
  }

  async function pool(from: number, count: number, measured: boolean): Promise<void> {
    let next = from;
    let done = 0;
    const step = Math.max(1, Math.floor(count / 20));
    const worker = async (): Promise<void> => {
      while (next < from + count) {
        const i = next++;
        await one(i, measured);
        done += 1;
        if (measured && done % step === 0) {
          onProgress?.(done, count);
          if (options.onMemory) {
            gc();
            options.onMemory(done, process.memoryUsage());
          }
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  }

  const started = performance.now();
  await pool(0, options.warmup, false);
  await sandbox.resetStats();
  gc();
  const startMemory = process.memoryUsage();

  await pool(options.warmup, options.requests, true);

  // The probe must see the pool's keep-alive sockets before close() for its 0 afterwards to mean anything.
  const clientSocketsBeforeClose = sockets.open;
  await Promise.all(Object.values(clients).map((c) => c.close()));
  await settle();
  // Undici's own count, and the process's (which lists ref'd handles only: a socket left in use shows there).
  const clientSocketsAfterClose = Math.max(sockets.open, tcpSockets());
  sockets.stop();
  // The end reading, before the soak's own accounting (the fault log, the matching) allocates anything.
  gc();
  const endMemory = process.memoryUsage();
  let sandboxSocketsAfterClose = await sandbox.openSockets();
  for (let waited = 0; sandboxSocketsAfterClose > 0 && waited < 2000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    sandboxSocketsAfterClose = await sandbox.openSockets();
  }
  const stats = await sandbox.stats();
  await sandbox.close();
  tracker.stop();
  const durationMs = Math.round(performance.now() - started);

  const faults = accountFaults(stats.faultLog, ledger);
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUncaught);

  const growth = (endMemory.rss - startMemory.rss) / startMemory.rss;
  const failed = Object.values(failedByClass).reduce((a, b) => a + b, 0);
  const checks = [
    {
      name: 'every request ended',
      pass: succeeded + failed + untypedFailures === options.requests,
      detail: `${succeeded + failed + untypedFailures} of ${options.requests}`,
    },
    { name: '0 untyped failures', pass: untypedFailures === 0, detail: String(untypedFailures) },
    {
      name: '0 unhandled rejections',
      pass: unhandledRejections === 0 && uncaughtExceptions === 0,
      detail: `${unhandledRejections} rejections, ${uncaughtExceptions} exceptions`,
    },
    {
      name: '0 open sockets after close()',
      pass: clientSocketsAfterClose === 0 && sandboxSocketsAfterClose === 0,
      detail: `client ${clientSocketsAfterClose} (${clientSocketsBeforeClose} before close()), sandbox ${sandboxSocketsAfterClose}`,
    },
    { name: 'RSS growth < 10%', pass: growth < 0.1, detail: `${(growth * 100).toFixed(1)}%` },
    {
      name: 'every fault accounted for',
      pass: faults.injected > 0 && faults.unaccounted === 0 && ledger.inconsistentTasks === 0,
      detail: `${faults.accounted} of ${faults.injected}${ledger.inconsistentTasks ? `, ${ledger.inconsistentTasks} inconsistent tasks` : ''}`,
    },
  ];
  return {
    options: shown,
    durationMs,
    requests: options.requests,
    succeeded,
    failedByClass,
    untypedFailures,
    untypedExamples,
    retries,
    attempts: Object.values(stats.generations).reduce((a, b) => a + b, 0),
    unhandledRejections,
    uncaughtExceptions,
    clientSocketsBeforeClose,
    clientSocketsAfterClose,
    sandboxSocketsAfterClose,
    rss: { startBytes: startMemory.rss, endBytes: endMemory.rss, growth },
    heapUsed: { startBytes: startMemory.heapUsed, endBytes: endMemory.heapUsed },
    faults,
    inconsistentTasks: ledger.inconsistentTasks,
    checks,
    pass: checks.every((c) => c.pass),
  };
}
