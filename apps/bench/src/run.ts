// `pnpm bench` — runs the six scenarios, prints one table per scenario, and with `--write` puts them in
// BENCHMARKS.md and their charts in apps/bench/charts/. Flags: --write, --quick (CI smoke: seconds, numbers
// meaningless), --only 1,3, --json <file> (the reports as JSON), --charts <dir> (the charts, anywhere, any run),
// --wait-quiet (wait up to 10 minutes for a load average ≤ 1.0 first).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectMeta, renderResults, writeBenchmarks } from './report.ts';
import { pause } from './rounds.ts';
import type { ScenarioContext, ScenarioReport } from './scenarios/scenario.ts';
import { renderChart } from './svg-chart.ts';

const SCENARIOS: Record<number, () => Promise<{ run: (ctx: ScenarioContext) => Promise<ScenarioReport> }>> = {
  1: () => import('./scenarios/1-small-payload.ts'),
  2: () => import('./scenarios/2-big-batch.ts'),
  3: () => import('./scenarios/3-fan-out.ts'),
  4: () => import('./scenarios/4-action-cold-start.ts'),
  5: () => import('./scenarios/5-sandbox.ts'),
  6: () => import('./scenarios/6-rate-limit.ts'),
};
const ALL = Object.keys(SCENARIOS).map(Number);

const BENCHMARKS_MD = fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url));
const CHARTS_DIR = fileURLToPath(new URL('../charts', import.meta.url));

/** Every scenario's charts as SVG files in `dir`; returns how many. */
async function writeCharts(dir: string, reports: ScenarioReport[]): Promise<number> {
  await mkdir(dir, { recursive: true });
  const charts = reports.flatMap((r) => r.charts ?? []);
  for (const { file, chart } of charts) await writeFile(join(dir, file), renderChart(chart));
  return charts.length;
}

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
      charts: { type: 'string' },
      'wait-quiet': { type: 'boolean', default: false },
    },
  });
  if (values.write && values.quick)
    throw new Error('--write with --quick would put smoke-test numbers in BENCHMARKS.md');
  const ids = values.only ? values.only.split(',').map(Number) : ALL;
  for (const id of ids) if (!SCENARIOS[id]) throw new Error(`no scenario ${id} (1–${ALL.length})`);
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
  if (values.charts) log(`wrote ${await writeCharts(values.charts, reports)} charts to ${values.charts}`);
  if (values.write) {
    if (ids.length !== ALL.length) throw new Error('--write needs every scenario (no --only)');
    await writeBenchmarks(BENCHMARKS_MD, results);
    log(`wrote ${BENCHMARKS_MD}`);
    log(`wrote ${await writeCharts(CHARTS_DIR, reports)} charts to ${CHARTS_DIR}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
