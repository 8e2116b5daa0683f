import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPictor, tempDir } from './__fixtures__/run-pictor.js';

let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.stats.reset();
  dir = await tempDir();
});
afterEach(() => dir.remove());

async function pricesFile(value: unknown): Promise<string> {
  const path = join(dir.path, 'prices.json');
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

function pictor(args: string[]) {
  return runPictor([
    ...args,
    ...['--provider', 'sandbox', '--base-url', sandbox.urls.together, '--out', join(dir.path, 'images')],
  ]);
}

describe('--prices <file>', () => {
  it('prices go before the built-in ones: a dry run and a real run use them', async () => {
    const file = await pricesFile([
      {
        providers: ['sandbox'],
        model: 'black-forest-labs/FLUX.1-schnell',
        rule: { kind: 'per-image', usd: { '*': 0.5 } },
        source: 'our negotiated rate',
      },
    ]);
    const plan = await pictor(['generate', 'a fox', '-n', '3', '--prices', file, '--dry-run']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('3 images in 1 call');
    expect(plan.stdout).toContain('$1.5000 (estimate)');
    expect(plan.stdout).toContain('price: our negotiated rate');
    expect(sandbox.stats.requests).toBe(0);

    const run = await pictor(['generate', 'a fox', '-n', '2', '--prices', file, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).cost).toEqual({ usd: 1, basis: 'estimate' });
  });

  it('a model priced only by the file can have a budget', async () => {
    const file = await pricesFile([
      { providers: ['*'], model: 'black-forest-labs/FLUX.2-*', rule: { kind: 'per-image', usd: { '*': 0.25 } } },
    ]);
    const fox = ['generate', 'a fox', '--model', 'black-forest-labs/FLUX.2-dev', '--prices', file];
    const within = await pictor([...fox, '--max-cost', '0.3', '--json']);
    expect(within.code).toBe(0);
    expect(JSON.parse(within.stdout).cost).toEqual({ usd: 0.25, basis: 'estimate' });
    expect(sandbox.stats.generations.together).toBe(1);
    const over = await pictor([...fox, '--max-cost', '0.2']);
    expect(over.code).toBe(6);
    expect(over.stderr).toContain('this call would cost about $0.25, with $0.00 of the $0.20 budget');
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it.each([
    [
      'a field of the wrong type',
      [{ providers: ['*'], model: 'x', rule: { kind: 'per-megapixel', usdPerMegapixel: 'cheap' } }],
      /\[0\]\.rule\.usdPerMegapixel: /,
    ],
    [
      'an unknown rule kind',
      [{ providers: ['*'], model: 'x', rule: { kind: 'per-second' } }],
      /\[0\]\.rule(\.kind)?: /,
    ],
    [
      'no providers',
      [{ providers: [], model: 'x', rule: { kind: 'per-image', usd: { '*': 1 } } }],
      /\[0\]\.providers: /,
    ],
    ['not an array', { model: 'x' }, /\(the file\): /],
    ['not JSON', '{ nope', /: not JSON: /],
  ])('refuses %s, naming the file and the field, before anything is sent (exit 2)', async (_name, value, field) => {
    const file = await pricesFile(value);
    const run = await pictor(['generate', 'a fox', '--prices', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pictor: error: --prices .*prices\.json: /m);
    expect(run.stderr).toMatch(field);
    expect(sandbox.stats.requests).toBe(0);
  });

  it('refuses a missing file (exit 2)', async () => {
    const run = await pictor(['generate', 'a fox', '--prices', join(dir.path, 'nope.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pictor: error: --prices .*nope\.json: cannot be read: no such file$/m);
  });
});
