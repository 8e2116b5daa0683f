import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type FaultName, type Sandbox } from '@pictor/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PICTOR_BIN, requireBuilt } from './__fixtures__/front-doors.ts';
import { ECHOES, startEchoGateway, type Echo, type EchoGateway } from './__fixtures__/echo-gateway.ts';
import { KEY, leaksIn, SANDBOX_KEY } from './__fixtures__/leak-check.ts';
import { runNode, type NodeRun } from './__fixtures__/run-node.ts';

// The CLI from the outside: the built `pictor` with the key in its environment (or piped on stdin) and
// --verbose (stacks, cause chains, error details), against refusals, every fault, and gateways echoing the key.

let guarded: Sandbox;
let faulty: Sandbox;
let dir: string;

beforeAll(async () => {
  requireBuilt(PICTOR_BIN);
  guarded = await startSandbox({ apiKey: SANDBOX_KEY });
  faulty = await startSandbox({ oversizedBytes: 256 * 1024 });
  dir = await mkdtemp(join(tmpdir(), 'pictor-hygiene-cli-'));
});
afterAll(async () => {
  await guarded.close();
  await faulty.close();
  await rm(dir, { recursive: true, force: true });
});

function pictor(args: string[], env: Record<string, string> = {}, input?: string): Promise<NodeRun> {
  return runNode(PICTOR_BIN, ['--verbose', ...args], { env, cwd: dir, ...(input === undefined ? {} : { input }) });
}

function expectNoLeak(run: NodeRun, key = KEY): void {
  expect(leaksIn(run.stdout, key), `stdout:\n${run.stdout}`).toEqual([]);
  expect(leaksIn(run.stderr, key), `stderr:\n${run.stderr}`).toEqual([]);
}

const KEY_ENV = {
  together: 'TOGETHER_API_KEY',
  openai: 'OPENAI_API_KEY',
  r9s: 'R9S_API_KEY',
  'ai-stats': 'AI_STATS_API_KEY',
} as const;
const MODEL = {
  together: 'black-forest-labs/FLUX.1-schnell',
  openai: 'dall-e-2',
  r9s: 'dall-e-2',
  'ai-stats': 'openai/dall-e-2',
} as const;
const SIZE = { together: '64x64', openai: '256x256', r9s: '256x256', 'ai-stats': '256x256' } as const;

describe('pictor --verbose never prints the key', () => {
  it.each(Object.keys(KEY_ENV) as Array<keyof typeof KEY_ENV>)(
    'a refused key at the %s stand-in: generate, generate --json, models, batch',
    async (provider) => {
      const env = { [KEY_ENV[provider]]: KEY };
      const common = ['--provider', provider, '--base-url', guarded.urls[provider]];
      const image = ['-m', MODEL[provider], '-s', SIZE[provider], '-o', join(dir, `out-${provider}`)];
      await writeFile(join(dir, 'prompts.txt'), 'one\ntwo\n');
      const runs = [
        await pictor(['generate', 'a locked door', ...common, ...image], env),
        await pictor(['generate', 'a locked door', ...common, ...image, '--json'], env),
        await pictor(['models', ...common], env),
        await pictor(['batch', 'prompts.txt', ...common, ...image], env),
      ];
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(3);
        expectNoLeak(run);
      }
      // --verbose did print the stack, the cause chain and the error's details where a command stops on the error.
      expect(runs[0]!.stderr).toMatch(/AuthenticationError/);
      expect(runs[0]!.stderr).toMatch(/Details: \{/);
    },
  );

  it('a refused key read from stdin, and given through PICTOR_API_KEY', async () => {
    const base = [
      '--provider',
      'together',
      '--base-url',
      guarded.urls.together,
      '-s',
      '64x64',
      '-o',
      join(dir, 'stdin'),
    ];
    const piped = await pictor(['generate', 'x', ...base, '--api-key-stdin'], {}, `${KEY}\n`);
    const shared = await pictor(['generate', 'x', ...base], { PICTOR_API_KEY: KEY });
    for (const run of [piped, shared]) {
      expect(run.code, run.stderr).toBe(3);
      expectNoLeak(run);
    }
  });

  const FAULTS: FaultName[] = [
    'rate-limit',
    'quota',
    'server-error',
    'unavailable',
    'reset',
    'slow-headers',
    'truncated-json',
    'malformed-json',
    'invalid-base64',
    'oversized',
    'expired-url',
  ];
  it.each(FAULTS)('every failure mode with a key the provider accepts: %s', async (fault) => {
    faulty.setFaults([{ fault, times: 10, retryAfter: 0, delayMs: 15_000 }]);
    const run = await pictor(
      [
        'generate',
        'x',
        '--provider',
        'together',
        '--base-url',
        faulty.urls.together,
        '-s',
        '64x64',
        '--retries',
        '1',
        '--timeout',
        '1',
        '-o',
        join(dir, `fault-${fault}`),
      ],
      { TOGETHER_API_KEY: KEY },
    );
    faulty.setFaults(undefined);
    // A 256 KiB "oversized" image is within the CLI's default 64 MiB: that one succeeds.
    if (fault !== 'oversized') {
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.stderr).toMatch(/^pictor: error: /m);
    }
    expectNoLeak(run);
  });

  describe('a gateway that echoes the key', () => {
    let gateway: EchoGateway;
    beforeAll(async () => {
      gateway = await startEchoGateway();
    });
    afterAll(() => gateway.close());

    it.each(Object.entries(ECHOES) as Array<[Echo, string]>)('%s: %s', async (echo) => {
      const key = echo === 'escaped' ? KEY.replace(/-/g, '/') : KEY;
      for (const json of [[], ['--json']]) {
        const run = await pictor(
          [
            'generate',
            'x',
            '--base-url',
            gateway.url(echo),
            '--dialect',
            'openai',
            '-m',
            'm',
            '--retries',
            '1',
            '-o',
            join(dir, 'echo'),
            ...json,
          ],
          {
            PICTOR_API_KEY: key,
          },
        );
        expect(run.code, run.stderr).not.toBe(0);
        expectNoLeak(run, key);
      }
    });
  });
});
