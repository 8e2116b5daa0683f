// `pnpm queue-soak` — the queue soak: Redis, the sandbox, four worker processes, a SIGKILL. Run with Node 24 (it
// strips the types): `node src/queue-soak.ts [options]`. Needs redis-server on PATH (scripts/ensure-redis.sh).
import { parseArgs } from 'node:util';
import { DEFAULT_QUEUE_SOAK_OPTIONS, runQueueSoak } from './run-queue-soak.ts';
import { formatQueueSoakReport } from './queue-soak-report.ts';

const USAGE = `Usage: queue-soak [--prompts N] [--workers N] [--seed N] [--no-rate-limit] [--json]

Enqueues N prompts (default ${DEFAULT_QUEUE_SOAK_OPTIONS.prompts}) twice on a BullMQ queue in a fresh redis-server, runs them with --workers worker
processes (default ${DEFAULT_QUEUE_SOAK_OPTIONS.workers}) against a sandbox injecting faults behind a token bucket, SIGKILLs one worker mid-job and
starts a replacement, then checks: nothing lost, nothing completed twice, a consistent manifest, no image made twice
beyond what the faults forced, a 429 share under 2%. --no-rate-limit drops the queue's global rate limit (to see the
429 check fail). Exits 1 when a check fails.`;

function number(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${flag} expects a whole number >= ${min}, got '${raw}'`);
  return value;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        prompts: { type: 'string' },
        workers: { type: 'string' },
        seed: { type: 'string' },
        'no-rate-limit': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      // `pnpm queue-soak -- --prompts 100` passes the `--` along.
      args: process.argv.slice(2).filter((a) => a !== '--'),
    }));
  } catch (error) {
    console.error(`queue-soak: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const d = DEFAULT_QUEUE_SOAK_OPTIONS;
  let options;
  try {
    options = {
      prompts: number('prompts', values.prompts, d.prompts, 8),
      workers: number('workers', values.workers, d.workers, 2),
      seed: number('seed', values.seed, d.seed, 0),
      ...(values['no-rate-limit'] ? { queueRateLimit: null } : {}),
    };
  } catch (error) {
    console.error(`queue-soak: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const json = values.json;
  const report = await runQueueSoak({
    ...options,
    onProgress: (line) => process.stderr.write(`queue-soak: ${line}\n`),
  });
  console.log(json ? JSON.stringify(report, null, 2) : formatQueueSoakReport(report));
  return report.pass ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`queue-soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
