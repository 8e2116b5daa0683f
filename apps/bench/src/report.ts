import { readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { ScenarioReport } from './scenarios/scenario.ts';

/** Where and with what a run happened. */
export interface RunMeta {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  /** 1-minute load average when the run started and when it ended. */
  loadStart: number;
  loadEnd: number;
  durationS: number;
  quick: boolean;
  versions: Record<string, string>;
}

function versionOf(name: string): string {
  try {
    const path = findPackageJSON(name, import.meta.url);
    return path ? (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version : '?';
  } catch {
    return '?';
  }
}

export function collectMeta(started: { at: number; load: number }, quick: boolean): RunMeta {
  const cpu = cpus();
  return {
    date: new Date().toISOString().slice(0, 10),
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: `Linux ${release()}`,
    node: process.version,
    loadStart: started.load,
    loadEnd: loadavg()[0] ?? 0,
    durationS: Math.round((performance.now() - started.at) / 1000),
    quick,
    versions: Object.fromEntries(
      [
        '@pictor/core',
        '@pictor/sandbox',
        'undici',
        'openai',
        'together-ai',
        'ai',
        '@ai-sdk/togetherai',
        '@ai-sdk/openai',
        'p-limit',
      ].map((n) => [n, versionOf(n)]),
    ),
  };
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  // Numbers (and ratios, ranges, percentages) right-aligned, words left.
  const numeric = (i: number): boolean => rows.every((r) => /^[\d,.–×%\s+-]*$/.test(r[i] ?? ''));
  const align = head.map((_, i) => (i > 0 && numeric(i) ? '---:' : '---'));
  return [line(head), `|${align.join('|')}|`, ...rows.map(line)].join('\n');
}

/** The generated part of BENCHMARKS.md (and of the console output): machine, targets, one table per scenario. */
export function renderResults(reports: ScenarioReport[], meta: RunMeta): string {
  const out: string[] = [];
  const versions = Object.entries(meta.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  out.push(
    `Run on ${meta.date}: ${meta.cores} cores (${meta.cpuModel}), ${meta.memoryGb} GB, ${meta.kernel}, Node ${meta.node}; ` +
      `load average ${meta.loadStart.toFixed(2)} at the start, ${meta.loadEnd.toFixed(2)} at the end; ${meta.durationS} s in all.` +
      (meta.quick ? ' **Quick mode: these numbers are a smoke test, not measurements.**' : ''),
    '',
    `Versions: ${versions}.`,
    '',
  );
  const targets = reports.flatMap((r) =>
    r.targets.map((t) => [`${r.id}. ${r.title.split(' — ')[0]}`, t.target, t.measured, t.met ? 'met' : '**missed**']),
  );
  if (targets.length) out.push('### Targets', '', table(['scenario', 'target', 'measured', ''], targets), '');
  for (const r of reports) {
    out.push(`### ${r.id}. ${r.title}`, '', r.method, '', table(r.head, r.rows), '');
    // Relative to BENCHMARKS.md, where `--write` puts these lines; the files are written beside it by the same run.
    for (const { file } of r.charts ?? []) out.push(`![${r.title.split(' — ')[0]}](${CHART_LINK}/${file})`, '');
    for (const note of r.notes) out.push(`- ${note}`);
    if (r.notes.length) out.push('');
  }
  return out.join('\n').trimEnd();
}

/** Where `--write` puts the charts, as BENCHMARKS.md links to them. */
const CHART_LINK = 'apps/bench/charts';

export const RESULTS_START =
  '<!-- bench:results:start (written by `pnpm bench --write`; edit outside these markers) -->';
export const RESULTS_END = '<!-- bench:results:end -->';

const SKELETON = `# Benchmarks

Measured by \`pnpm bench\` (apps/bench); \`pnpm bench --write\` rewrites the results below.

${RESULTS_START}
${RESULTS_END}
`;

/** Replaces the generated part of BENCHMARKS.md (between the markers), keeping everything around it. */
export async function writeBenchmarks(path: string, results: string): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => SKELETON);
  const start = current.indexOf(RESULTS_START);
  const end = current.indexOf(RESULTS_END);
  const base = start === -1 || end < start ? `${current.trimEnd()}\n\n${RESULTS_START}\n${RESULTS_END}\n` : current;
  const from = base.indexOf(RESULTS_START) + RESULTS_START.length;
  const to = base.indexOf(RESULTS_END);
  await writeFile(path, `${base.slice(0, from)}\n${results}\n${base.slice(to)}`);
}
