// `pnpm bench` — runs the five scenarios, prints one table per scenario, and with `--write` puts them in
// BENCHMARKS.md. Flags: --write, --quick (CI smoke: seconds, numbers meaningless), --only 1,3,
// --json <file> (the reports as JSON), --wait-quiet (wait up to 10 minutes for a load average ≤ 1.0 first).
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectMeta, renderResults, writeBenchmarks } from './report.ts';
import { pause } from './rounds.ts';
import type { ScenarioContext, ScenarioReport } from './scenarios/scenario.ts';

const SCENARIOS: Record<number, () => Promise<{ run: (ctx: ScenarioContext) => Promise<ScenarioReport> }>> = {
  1: () => import('./scenarios/1-small-payload.ts'),
  2: () => import('./scenarios/2-big-batch.ts'),
  3: () => import('./scenarios/3-fan-out.ts'),
  4: () => import('./scenarios/4-action-cold-start.ts'),
  5: () => import('./scenarios/5-sandbox.ts'),
};

const BENCHMARKS_MD = fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url));

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function waitQuiet(limit: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while ((loadavg()[0] ?? 0) > limit && performance.now() < deadline) {
    log(`load average ${(loadavg()[0] ?? 0).toFixed(2)} > ${limit}: waiting…`);
    await pause(15_000);
  }
}

async function main(): Promise<void> {
  // `pnpm bench -- --write` passes a literal `--`; drop it.
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      write: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
      'wait-quiet': { type: 'boolean', default: false },
    },
  });
  if (values.write && values.quick)
    throw new Error('--write with --quick would put smoke-test numbers in BENCHMARKS.md');
  const ids = values.only ? values.only.split(',').map(Number) : [1, 2, 3, 4, 5];
  for (const id of ids) if (!SCENARIOS[id]) throw new Error(`no scenario ${id} (1–5)`);
  if (values['wait-quiet']) await waitQuiet(1.0, 10 * 60_000);
  const load = loadavg()[0] ?? 0;
  if (load > 1.0 && !values.quick)
    log(`warning: load average ${load.toFixed(2)}: other work on this machine will skew the numbers`);

  const started = { at: performance.now(), load };
  const reports: ScenarioReport[] = [];
  for (const id of ids) {
    const scenario = await (
      SCENARIOS[id] as () => Promise<{ run: (ctx: ScenarioContext) => Promise<ScenarioReport> }>
    )();
    log(`scenario ${id}…`);
    reports.push(await scenario.run({ quick: values.quick, log }));
  }
  const meta = collectMeta(started, values.quick);
  const results = renderResults(reports, meta);
  process.stdout.write(`${results}\n`);
  if (values.json) await writeFile(values.json, JSON.stringify({ meta, reports }, null, 2));
  if (values.write) {
    if (ids.length !== 5) throw new Error('--write needs all five scenarios (no --only)');
    await writeBenchmarks(BENCHMARKS_MD, results);
    log(`wrote ${BENCHMARKS_MD}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
