// CI smoke of the harness (no timing assertions): `node src/run.ts --quick` runs every scenario once, briefly,
// and its JSON report has the expected shape — every client present, every number positive.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_NAMES } from './clients/client.ts';
import type { RunMeta } from './report.ts';
import type { ScenarioReport } from './scenarios/scenario.ts';

const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));

let dir: string;
let stdout: string;
let reports: ScenarioReport[];
let meta: RunMeta;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-bench-smoke-'));
  const json = join(dir, 'report.json');
  ({ stdout } = await promisify(execFile)(process.execPath, [RUN, '--quick', '--json', json], {
    maxBuffer: 16 * 1024 * 1024,
  }));
  ({ meta, reports } = JSON.parse(await readFile(json, 'utf8')) as { meta: RunMeta; reports: ScenarioReport[] });
}, 170_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const positive = (value: number | undefined): void => {
  expect(value).toBeTypeOf('number');
  expect(Number.isFinite(value) && (value as number) > 0).toBe(true);
};

describe('pnpm bench --quick', () => {
  it('runs all five scenarios and prints a table for each', () => {
    expect(reports.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
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

  it('judges every target', () => {
    const targets = reports.flatMap((r) => r.targets);
    expect(targets.length).toBeGreaterThanOrEqual(6);
    for (const t of targets) expect(typeof t.met).toBe('boolean');
  });
});
