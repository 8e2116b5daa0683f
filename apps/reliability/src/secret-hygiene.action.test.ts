import { startSandbox, type FaultName, type Sandbox } from '@pictor/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHOES, startEchoGateway, type Echo, type EchoGateway } from './__fixtures__/echo-gateway.ts';
import { KEY, leaksIn, SANDBOX_KEY } from './__fixtures__/leak-check.ts';
import { runAction } from './__fixtures__/run-action.ts';

// The Action's bundle run as the runner runs it (`node dist/index.js`, INPUT_* variables, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files), with RUNNER_DEBUG=1 so its debug lines print too. Apart from the `::add-mask::`
// command itself, the key must be in neither the log (stdout, stderr), the job summary nor the outputs.

let guarded: Sandbox;
let faulty: Sandbox;
let gateway: EchoGateway;

beforeAll(async () => {
  guarded = await startSandbox({ apiKey: SANDBOX_KEY });
  faulty = await startSandbox({ oversizedBytes: 256 * 1024 });
  gateway = await startEchoGateway();
});
afterAll(async () => {
  await guarded.close();
  await faulty.close();
  await gateway.close();
});

interface VisibleRun {
  code: number | null;
  /** Everything a reader of the run can see, but the add-mask command. */
  visible: Record<'stdout' | 'stderr' | 'summary' | 'outputs', string>;
}

async function run(inputs: Record<string, string>, key = KEY): Promise<VisibleRun> {
  const result = await runAction({ 'api-key': key, ...inputs }, { debug: true });
  const mask = `::add-mask::${key}\n`;
  expect(result.stdout.startsWith(mask), result.stdout.slice(0, 200)).toBe(true);
  return {
    code: result.code,
    visible: {
      stdout: result.stdout.replace(mask, ''),
      stderr: result.stderr,
      summary: result.summary,
      outputs: result.outputsFile,
    },
  };
}

function expectNoLeak(result: VisibleRun, key = KEY): void {
  for (const [where, text] of Object.entries(result.visible))
    expect(leaksIn(text, key), `${where}:\n${text}`).toEqual([]);
}

const MODEL = {
  together: 'black-forest-labs/FLUX.1-schnell',
  openai: 'dall-e-2',
  r9s: 'dall-e-2',
  'ai-stats': 'openai/dall-e-2',
} as const;
const SIZE = { together: '64x64', openai: '256x256', r9s: '256x256', 'ai-stats': '256x256' } as const;

describe('the Action never gives the key away', () => {
  it.each(Object.keys(MODEL) as Array<keyof typeof MODEL>)('a refused key at the %s stand-in', async (provider) => {
    const result = await run({
      prompt: 'one\ntwo',
      provider,
      'base-url': guarded.urls[provider],
      model: MODEL[provider],
      size: SIZE[provider],
    });
    expect(result.code).toBe(1);
    expect(result.visible.stdout).toMatch(/^::error::.*401/m);
    expect(result.visible.summary).not.toBe('');
    expectNoLeak(result);
  });

  const FAULTS: FaultName[] = [
    'rate-limit',
    'quota',
    'server-error',
    'unavailable',
    'reset',
    'truncated-json',
    'malformed-json',
    'invalid-base64',
    'oversized',
    'expired-url',
  ];
  it.each(FAULTS)('every failure mode with a key the provider accepts: %s', async (fault) => {
    faulty.setFaults([{ fault, times: 3, retryAfter: 0 }]);
    const result = await run({
      prompt: 'one\ntwo',
      provider: 'together',
      'base-url': faulty.urls.together,
      size: '64x64',
      'fail-on-partial': 'false',
    });
    faulty.setFaults(undefined);
    expect(result.code === 0 || result.code === 1).toBe(true);
    expectNoLeak(result);
  });

  it.each(Object.entries(ECHOES) as Array<[Echo, string]>)('a gateway echoing the key %s: %s', async (echo) => {
    const key = echo === 'escaped' ? KEY.replace(/-/g, '/') : KEY;
    const result = await run({ prompt: 'x', provider: 'custom', 'base-url': gateway.url(echo), model: 'm' }, key);
    expect(result.code).toBe(1);
    expectNoLeak(result, key);
  });
});
