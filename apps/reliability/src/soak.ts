// `pnpm soak` — the fault soak. Run with Node 24 (it strips the types):
// `node --expose-gc --max-semi-space-size=16 src/soak.ts [options]` (see SoakOptions.warmup for the second flag).
import { parseArgs } from 'node:util';
import { DEFAULT_SOAK_OPTIONS, runSoak, type SoakOptions } from './run-soak.ts';
import { formatSoakReport } from './soak-report.ts';

const USAGE = `Usage: soak [--requests N] [--concurrency N] [--fault-rate R] [--seed N] [--timeout MS] [--slow-headers MS] [--warmup N] [--json] [--trace-memory]

Sends N image generations (default ${DEFAULT_SOAK_OPTIONS.requests}) through @pictor/core to a sandbox injecting a seeded mix of faults
(default ${DEFAULT_SOAK_OPTIONS.faultRate * 100}%), then reports and checks: 0 untyped failures, 0 unhandled rejections, 0 open sockets after
close(), RSS growth < 10%, every fault met by a retry or a typed error. Exits 1 when a check fails.`;

function number(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${flag} expects a number >= ${min}, got '${raw}'`);
  return value;
}

async function main(): Promise<number> {
  let options: Partial<SoakOptions>;
  let json: boolean;
  let traceMemory: boolean;
  try {
    const { values } = parseArgs({
      options: {
        requests: { type: 'string' },
        concurrency: { type: 'string' },
        'fault-rate': { type: 'string' },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        'slow-headers': { type: 'string' },
        warmup: { type: 'string' },
        json: { type: 'boolean', default: false },
        'trace-memory': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      // `pnpm soak -- --requests 500` passes the `--` along.
      args: process.argv.slice(2).filter((a) => a !== '--'),
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const d = DEFAULT_SOAK_OPTIONS;
    json = values.json;
    traceMemory = values['trace-memory'];
    options = {
      requests: number('requests', values.requests, d.requests, 1),
      concurrency: number('concurrency', values.concurrency, d.concurrency, 1),
      faultRate: number('fault-rate', values['fault-rate'], d.faultRate, 0),
      seed: number('seed', values.seed, d.seed, 0),
      timeoutMs: number('timeout', values.timeout, d.timeoutMs, 1),
      slowHeadersMs: number('slow-headers', values['slow-headers'], d.slowHeadersMs, 0),
      warmup: number('warmup', values.warmup, d.warmup, 0),
    };
  } catch (error) {
    console.error(`soak: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!(globalThis as { gc?: unknown }).gc)
    console.error('soak: run node with --expose-gc (and --max-semi-space-size=16) for a steady RSS reading');
  const report = await runSoak({
    ...options,
    onProgress: (done, total) => {
      if (!json) process.stderr.write(`soak: ${done}/${total}\n`);
    },
    ...(traceMemory
      ? {
          onMemory: (done: number, m: NodeJS.MemoryUsage) => {
            const mb = (n: number) => (n / 1048576).toFixed(1);
            process.stderr.write(
              `soak: memory after ${done}: rss ${mb(m.rss)} heap ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} MiB\n`,
            );
          },
        }
      : {}),
  });
  console.log(json ? JSON.stringify(report, null, 2) : formatSoakReport(report));
  return report.pass ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
