import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type FaultName, type Sandbox } from '@pictor/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_BUNDLE, requireBuilt } from './__fixtures__/front-doors.ts';
import { ECHOES, startEchoGateway, type Echo, type EchoGateway } from './__fixtures__/echo-gateway.ts';
import { KEY, leaksIn, SANDBOX_KEY } from './__fixtures__/leak-check.ts';
import { runNode } from './__fixtures__/run-node.ts';

// The Action's bundle run as the runner runs it (`node dist/index.js`, INPUT_* variables, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files), with RUNNER_DEBUG=1 so its debug lines print too. Apart from the `::add-mask::`
// command itself, the key must be in neither the log (stdout, stderr), the job summary nor the outputs.

let guarded: Sandbox;
let faulty: Sandbox;
let gateway: EchoGateway;
let root: string;

beforeAll(async () => {
  requireBuilt(ACTION_BUNDLE);
  guarded = await startSandbox({ apiKey: SANDBOX_KEY });
  faulty = await startSandbox({ oversizedBytes: 256 * 1024 });
  gateway = await startEchoGateway();
  root = await mkdtemp(join(tmpdir(), 'pictor-hygiene-action-'));
});
afterAll(async () => {
  await guarded.close();
  await faulty.close();
  await gateway.close();
  await rm(root, { recursive: true, force: true });
});

interface ActionRun {
  code: number | null;
  /** Everything a reader of the run can see, but the add-mask command. */
  visible: Record<'stdout' | 'stderr' | 'summary' | 'outputs', string>;
  stdout: string;
}

let runs = 0;
async function runAction(inputs: Record<string, string>, key = KEY): Promise<ActionRun> {
  const dir = join(root, `run-${++runs}`);
  const workspace = join(dir, 'workspace');
  await rm(dir, { recursive: true, force: true });
  await mkdir(workspace, { recursive: true });
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  await writeFile(output, '');
  await writeFile(summary, '');
  const env: Record<string, string> = { GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true', RUNNER_DEBUG: '1' };
  for (const [name, value] of Object.entries({ 'api-key': key, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  const run = await runNode(ACTION_BUNDLE, [], { env, cwd: workspace });
  const mask = `::add-mask::${key}\n`;
  expect(run.stdout.startsWith(mask), run.stdout.slice(0, 200)).toBe(true);
  return {
    code: run.code,
    stdout: run.stdout,
    visible: {
      stdout: run.stdout.replace(mask, ''),
      stderr: run.stderr,
      summary: await readFile(summary, 'utf8'),
      outputs: await readFile(output, 'utf8'),
    },
  };
}

function expectNoLeak(run: ActionRun, key = KEY): void {
  for (const [where, text] of Object.entries(run.visible)) expect(leaksIn(text, key), `${where}:\n${text}`).toEqual([]);
}

const MODEL = { together: 'black-forest-labs/FLUX.1-schnell', openai: 'dall-e-2', r9s: 'dall-e-2', 'ai-stats': 'openai/dall-e-2' } as const;
const SIZE = { together: '64x64', openai: '256x256', r9s: '256x256', 'ai-stats': '256x256' } as const;

describe('the Action never gives the key away', () => {
  it.each(Object.keys(MODEL) as Array<keyof typeof MODEL>)('a refused key at the %s stand-in', async (provider) => {
    const run = await runAction({ prompt: 'one\ntwo', provider, 'base-url': guarded.urls[provider], model: MODEL[provider], size: SIZE[provider] });
    expect(run.code).toBe(1);
    expect(run.visible.stdout).toMatch(/^::error::.*401/m);
    expect(run.visible.summary).not.toBe('');
    expectNoLeak(run);
  });

  const FAULTS: FaultName[] = ['rate-limit', 'quota', 'server-error', 'unavailable', 'reset', 'truncated-json', 'malformed-json', 'invalid-base64', 'oversized', 'expired-url'];
  it.each(FAULTS)('every failure mode with a key the provider accepts: %s', async (fault) => {
    faulty.setFaults([{ fault, times: 3, retryAfter: 0 }]);
    const run = await runAction({ prompt: 'one\ntwo', provider: 'together', 'base-url': faulty.urls.together, size: '64x64', 'fail-on-partial': 'false' });
    faulty.setFaults(undefined);
    expect(run.code === 0 || run.code === 1).toBe(true);
    expectNoLeak(run);
  });

  it.each(Object.entries(ECHOES) as Array<[Echo, string]>)('a gateway echoing the key %s: %s', async (echo) => {
    const key = echo === 'escaped' ? KEY.replace(/-/g, '/') : KEY;
    const run = await runAction({ prompt: 'x', provider: 'custom', 'base-url': gateway.url(echo), model: 'm' }, key);
    expect(run.code).toBe(1);
    expectNoLeak(run, key);
  });
});
