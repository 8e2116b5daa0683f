// CI smoke of the harness (no timing assertions): `node src/run.ts --quick` runs every scenario once, briefly,
// and its JSON report has the expected shape — every client present, every number positive — and its charts parse.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_NAMES } from './clients/client.ts';
import { RUNNER_NAMES, RUNNER_STAND_INS } from './rate-limit-runners.ts';
import type { RunMeta } from './report.ts';
import type { ScenarioReport } from './scenarios/scenario.ts';

const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));

let dir: string;
let chartsDir: string;
let stdout: string;
let reports: ScenarioReport[];
let meta: RunMeta;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-bench-smoke-'));
  const json = join(dir, 'report.json');
  chartsDir = join(dir, 'charts');
  ({ stdout } = await promisify(execFile)(process.execPath, [RUN, '--quick', '--json', json, '--charts', chartsDir], {
    maxBuffer: 16 * 1024 * 1024,
  }));
  ({ meta, reports } = JSON.parse(await readFile(json, 'utf8')) as { meta: RunMeta; reports: ScenarioReport[] });
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const positive = (value: number | undefined): void => {
  expect(value).toBeTypeOf('number');
  expect(Number.isFinite(value) && (value as number) > 0).toBe(true);
};

describe('pnpm bench --quick', () => {
  it('runs all six scenarios and prints a table for each', () => {
    expect(reports.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of reports) {
      expect(stdout).toContain(`### ${r.id}. ${r.title}`);
      expect(r.rows.length).toBeGreaterThan(0);
      for (const row of r.rows) expect(row).toHaveLength(r.head.length);
    }
    expect(meta.quick).toBe(true);
    expect(meta.cores).toBeGreaterThan(0);
    expect(meta.node).toMatch(/^v\d+/);
  });

  it('scenario 1 measures every client', () => {
    const values = reports[0]?.values ?? {};
    for (const client of CLIENT_NAMES) {
      positive(values[client]?.rps);
      positive(values[client]?.cpuUs);
    }
    positive(values.summary?.describeUs);
  });

  it('scenario 2 measures decode rate and peak RSS for every client', () => {
    const values = reports[1]?.values ?? {};
    for (const client of CLIENT_NAMES) {
      positive(values[client]?.mbps);
      positive(values[client]?.peakRssMb);
      positive(values[client]?.mbPerCpuSecond);
    }
  });

  it('scenario 3 times one call and the fan-out for every client', () => {
    const values = reports[2]?.values ?? {};
    for (const client of CLIENT_NAMES) {
      const rows = Object.entries(values).filter(([key]) => key.startsWith(`${client}/`));
      expect(rows.length).toBeGreaterThan(0);
      for (const [, v] of rows) {
        positive(v.oneCallMs);
        positive(v.fanOutMs);
      }
    }
    expect(values['pictor-core/batch']).toBeDefined();
  });

  it("scenario 4 times the Action's cold start and sizes its bundle", () => {
    const v = reports[3]?.values.action;
    positive(v?.coldStartMs);
    positive(v?.floorMs);
    positive(v?.bundleKb);
  });

  it('scenario 5 measures the sandbox', () => {
    const v = reports[4]?.values.sandbox;
    positive(v?.rendersPerSecond);
    positive(v?.cachedPerSecond);
  });

  it('scenario 6 runs the batch through the rate limit with every client on its stand-ins, and counts the calls', () => {
    const values = reports[5]?.values ?? {};
    const rows = RUNNER_NAMES.flatMap((runner) => RUNNER_STAND_INS[runner].map((standIn) => `${standIn}/${runner}`));
    expect(Object.keys(values).sort()).toEqual([...rows].sort());
    for (const key of rows) {
      const v = values[key];
      positive(v?.imagesPerSecond);
      positive(v?.ceilingShare);
      positive(v?.wallS);
      positive(v?.peakRssMb);
      // Every prompt ends as images or as a counted failure, and the proxy saw at least one call per prompt.
      expect((v?.images ?? 0) + (v?.failed ?? 0)).toBe(v?.prompts);
      expect(v?.calls).toBeGreaterThanOrEqual(v?.prompts ?? Infinity);
      expect(v?.refused).toBeGreaterThanOrEqual(0);
      expect(v?.refusedShare).toBeLessThanOrEqual(1);
    }
  });

  it('writes every chart as valid SVG, one series per client in the rate-limit charts', async () => {
    const expected = reports.flatMap((r) => (r.charts ?? []).map((c) => c.file));
    expect(expected).toEqual(expect.arrayContaining(['6-rate-limit-openai.svg', '6-rate-limit-together.svg']));
    expect((await readdir(chartsDir)).sort()).toEqual([...expected].sort());
    for (const r of reports) expect(r.charts?.length ?? 0).toBeGreaterThan(0);
    for (const file of expected) {
      const svg = await readFile(join(chartsDir, file), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
    }
    const openai = await readFile(join(chartsDir, '6-rate-limit-openai.svg'), 'utf8');
    const drawn = [...openai.matchAll(/class="series" data-series="([^"]+)"/g)].map((m) => m[1]);
    expect(drawn).toEqual(RUNNER_NAMES.filter((runner) => RUNNER_STAND_INS[runner].includes('openai')));
    expect(openai).toContain('class="ceiling"');
  });

  it('judges every target', () => {
    const targets = reports.flatMap((r) => r.targets);
    expect(targets.length).toBeGreaterThanOrEqual(6);
    for (const t of targets) expect(typeof t.met).toBe('boolean');
  });
});
