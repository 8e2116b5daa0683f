import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleComposition } from '../bundle-composition.ts';
import { startFixedServer } from '../fixed-server.ts';
import { makePng } from '../png.ts';
import { fixed, range } from '../report-format.ts';
import { median } from '../stats.ts';
import type { ScenarioContext, ScenarioReport } from './scenario.ts';

const require = createRequire(import.meta.url);
const ACTION_DIR = dirname(require.resolve('@pictor/action/package.json'));
const BUNDLE = join(ACTION_DIR, 'dist', 'index.js');

/** What Node alone costs: a script that sends the same POST at once, with nothing to load. */
const FLOOR_SCRIPT = `
const url = new URL(process.env.BENCH_URL);
const req = require('node:http').request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => res.resume());
req.end(JSON.stringify({ model: 'black-forest-labs/FLUX.1-schnell', prompt: 'floor', n: 1 }));
`;

interface Launch {
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/**
 * Spawns a process and resolves with the ms from spawn until the server saw its first images request, once the
 * process has exited cleanly.
 */
async function timeToFirstRequest(launch: Launch, firstRequest: () => Promise<number>): Promise<number> {
  const seen = firstRequest();
  const started = performance.now();
  const child = spawn(process.execPath, launch.args, {
    env: launch.env,
    cwd: launch.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const at = await Promise.race([seen, exited.then(() => Number.NaN)]);
  const code = await exited;
  if (code !== 0 || Number.isNaN(at))
    throw new Error(`${launch.args.at(-1)} exited with ${code} before or after its first request:\n${output}`);
  return at - started;
}

/** Scenario 4: the GitHub Action's cold start (`node dist/index.js` until its first request) and its bundle. */
export async function run(ctx: ScenarioContext): Promise<ScenarioReport> {
  const runs = ctx.quick ? 2 : 11;
  const bundle = await readFile(BUNDLE).catch(() => {
    throw new Error(`${BUNDLE} is missing: build the Action first (pnpm --filter @pictor/action run build)`);
  });
  let waiting: ((at: number) => void) | undefined;
  const server = await startFixedServer({
    image: makePng(12, 12, 1024),
    onRequest: ({ at }) => {
      waiting?.(at);
      waiting = undefined;
    },
  });
  const firstRequest = (): Promise<number> => new Promise<number>((resolve) => (waiting = resolve));
  const work = await mkdtemp(join(tmpdir(), 'pictor-bench-action-'));
  const action: number[] = [];
  const floor: number[] = [];
  try {
    const base = { PATH: process.env.PATH ?? '', HOME: work };
    for (let i = 0; i < runs; i++) {
      const dir = join(work, `run-${i}`);
      const outputs = join(work, `outputs-${i}.txt`);
      const summary = join(work, `summary-${i}.md`);
      await Promise.all([writeFile(outputs, ''), writeFile(summary, '')]);
      const ms = await timeToFirstRequest(
        {
          args: [BUNDLE],
          cwd: work,
          env: {
            ...base,
            INPUT_PROMPT: 'a lighthouse at dusk',
            INPUT_PROVIDER: 'sandbox',
            'INPUT_BASE-URL': server.urls.together,
            'INPUT_OUTPUT-DIR': dir,
            'INPUT_SKIP-EXISTING': 'false',
            GITHUB_OUTPUT: outputs,
            GITHUB_STEP_SUMMARY: summary,
          },
        },
        firstRequest,
      );
      if (!(await readFile(outputs, 'utf8')).includes('count')) throw new Error('the Action set no outputs');
      const floorMs = await timeToFirstRequest(
        {
          args: ['-e', FLOOR_SCRIPT],
          cwd: work,
          env: { ...base, BENCH_URL: `${server.urls.together}/images/generations` },
        },
        firstRequest,
      );
      // The first run of each warms the OS file cache; it is not counted.
      if (i === 0 && runs > 2) continue;
      action.push(ms);
      floor.push(floorMs);
      ctx.log(
        `  4 action         run ${i}/${runs - 1}  action ${ms.toFixed(0)} ms, node alone ${floorMs.toFixed(0)} ms`,
      );
    }
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
  const sizeKb = bundle.length / 1000;
  const gzipKb = gzipSync(bundle).length / 1000;
  const actionMs = median(action);
  const floorMs = median(floor);
  const parts = (await bundleComposition(ACTION_DIR)) ?? [];
  const composition = parts.slice(0, 8).map((p) => `\`${p.name}\` ${fixed(p.bytes / 1000, 0)} KB`);
  return {
    id: 4,
    title: "The Action's cold start and bundle",
    method:
      `\`node dist/index.js\` of \`packages/action\` as the runner starts it (inputs as \`INPUT_*\` variables: one prompt, provider ` +
      `\`sandbox\`, \`base-url\` at the fixed server), timed from spawn until the server receives its first images request; ` +
      `beside it, a bare \`node -e\` that sends the same POST at once (what Node alone costs). ${action.length} runs each, after ` +
      `one uncounted run; medians. KB = 1,000 bytes.`,
    head: ['what', 'median', 'min – max'],
    rows: [
      ['Action: spawn → first request (ms)', fixed(actionMs, 0), range(action, 0)],
      ['bare `node -e` POST: spawn → first request (ms)', fixed(floorMs, 0), range(floor, 0)],
      ['the Action above Node alone (ms)', fixed(actionMs - floorMs, 0), ''],
      ['bundle `dist/index.js` (KB)', fixed(sizeKb, 0), ''],
      ['bundle gzipped (KB, for reference)', fixed(gzipKb, 0), ''],
    ],
    values: { action: { coldStartMs: actionMs, floorMs, bundleKb: sizeKb, gzipKb } },
    charts: [
      {
        file: '4-action-cold-start.svg',
        chart: {
          kind: 'bars',
          title: "The Action's cold start: spawn to first request",
          unit: 'ms (median)',
          bars: [
            { label: 'the Action', value: actionMs },
            { label: 'bare node -e POST', value: floorMs },
          ],
        },
      },
    ],
    targets: [
      { target: 'cold start ≤ 150 ms (median)', measured: `${fixed(actionMs, 0)} ms`, met: actionMs <= 150 },
      { target: 'bundle ≤ 600 KB', measured: `${fixed(sizeKb, 0)} KB`, met: sizeKb <= 600 },
    ],
    notes: [
      `The bundle is ${bundle.length.toLocaleString('en-US')} bytes.` +
        (composition.length
          ? ` What it holds (minified bytes by package, from its own build script with a metafile): ${composition.join(', ')}.`
          : ''),
    ],
  };
}
