import { renderImage, startSandbox, type Sandbox } from '@pictor/sandbox';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLikeRunner } from './__fixtures__/run-like-runner.js';

// dry-run, max-cost, prices-file and the cost output through the committed bundle, run as the runner runs it.
// The sandbox is priced as Together: FLUX.1-schnell is $0.0027 per megapixel, so a 1024×1024 image is
// 1.048576 MP × $0.0027 = $0.0028311552.

const SCHNELL = 'black-forest-labs/FLUX.1-schnell';
const PER_IMAGE = 1.048576 * 0.0027;
/** Core rounds each sum of dollars to a billionth: outputs are compared to that precision. */
function expectUsd(output: string | undefined, usd: number): void {
  expect(Number(output)).toBeCloseTo(usd, 8);
}

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

function base(): Record<string, string> {
  return { provider: 'sandbox', 'base-url': sandbox.urls.together, model: SCHNELL, size: '1024x1024' };
}

async function workspace(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'pictor-cost-workspace-'));
}

describe('dry-run', () => {
  it('prints each prompt’s calls, images, size and estimated cost and the total; sends nothing, writes nothing', async () => {
    const dir = await workspace();
    const requests = sandbox.stats.requests;
    const result = await runLikeRunner(dir, {
      ...base(),
      prompt: 'a red fox\na blue whale',
      n: '2',
      'dry-run': 'true',
      'max-cost': '0.01',
    });

    expect(result.stderr).toBe('');
    expect(result.exitCode, result.stdout).toBe(0);
    expect(sandbox.stats.requests).toBe(requests);
    expect(await readdir(dir)).toEqual([]);

    // Two images of 1024×1024 per prompt: 2 × $0.0028311552 = $0.0056623104, shown to the millionth.
    expect(result.stdout).toContain(
      `[1/2] "a red fox": ${SCHNELL}, 1 call(s), 2 image(s): 2 image(s) at 1024×1024, $0.005662 (estimate)\n`,
    );
    expect(result.stdout).toContain(`[2/2] "a blue whale": ${SCHNELL}, 1 call(s), 2 image(s): 2 image(s) at 1024×1024`);
    expect(result.stdout).toContain('Total: 2 prompt(s), 2 call(s), 4 image(s), $0.011325 (estimate)\n');
    expect(result.stdout).toContain(
      'max-cost $0.01: the plan passes it; line 2 ("a blue whale") would be the first prompt refused',
    );
    expect(result.outputs).toEqual({
      images: '[]',
      manifest: 'generated-images/manifest.json',
      count: '0',
      generated: '0',
      skipped: '0',
      failed: '0',
      cost: expect.stringMatching(/^0\.0113246\d*$/),
      usage: '{}',
      shard: '',
      merged: '0',
    });
    expectUsd(result.outputs.cost, 4 * PER_IMAGE);
    expect(result.summary).toContain('<h2>Pictor dry run</h2>');
    expect(result.summary).toContain(
      '<td>a red fox</td><td>1</td><td>2</td><td>1024×1024</td><td>$0.005662</td><td>estimate</td>',
    );
    expect(result.summary).toContain(
      '<td><strong>Total</strong></td><td>2 prompt(s)</td><td>2</td><td>4</td><td>—</td><td><strong>$0.011325</strong></td>',
    );
  });

  it('prices an edit under the edit model, reads the inputs but sends nothing; the key is never shown', async () => {
    const dir = await workspace();
    await writeFile(
      join(dir, 'photo.png'),
      await renderImage({ prompt: 'a quay', seed: 1, index: 0, width: 256, height: 256, format: 'png' }),
    );
    const key = 'pictor-dry-run-key-41c7e9';
    const requests = sandbox.stats.requests;
    const result = await runLikeRunner(dir, {
      provider: 'sandbox',
      'base-url': sandbox.urls.together,
      'api-key': key,
      prompt: 'the quay at night',
      'input-images': 'photo.png',
      size: '1024x768',
      'dry-run': 'true',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(sandbox.stats.requests).toBe(requests);
    expect(await readdir(dir)).toEqual(['photo.png']);
    // FLUX.2-pro, the sandbox's default edit model: $0.03 per megapixel, 1024×768 = 0.786432 MP.
    expect(result.stdout).toContain(
      'black-forest-labs/FLUX.2-pro, 1 call(s), 1 image(s): 1 image(s) at 1024×768, $0.023593 (estimate)',
    );
    expectUsd(result.outputs.cost, 0.786432 * 0.03);
    const visible = [result.stdout.replace(`::add-mask::${key}\n`, ''), result.stderr, result.summary];
    expect(visible.join('\n') + JSON.stringify(result.outputs)).not.toContain(key);
  });

  it('takes its prices from prices-file before the built-in ones', async () => {
    const dir = await workspace();
    const prices = [
      {
        providers: ['sandbox'],
        model: SCHNELL,
        rule: { kind: 'per-image', usd: { '*': 0.5 } },
        source: 'our contract',
      },
    ];
    await writeFile(join(dir, 'prices.json'), JSON.stringify(prices));
    const result = await runLikeRunner(dir, {
      ...base(),
      prompt: 'a kite',
      n: '3',
      'prices-file': 'prices.json',
      'dry-run': 'true',
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toContain('3 image(s) at 1024×1024, $1.50 (estimate)');
    expect(result.outputs.cost).toBe('1.5');
  });
});

describe('max-cost', () => {
  it('stops a batch at its budget: nothing over it is sent, what was made is saved, the refusal names the figures', async () => {
    const dir = await workspace();
    const prompts = ['one', 'two', 'three', 'four'].map((p) => `a ${p} of a kind`).join('\n');
    const generations = sandbox.stats.generations.together;
    // Two images fit in $0.006 (2 × $0.0028311552 = $0.0056623104); a third would pass it.
    const result = await runLikeRunner(dir, { ...base(), prompt: prompts, 'max-cost': '0.006', 'output-dir': 'out' });

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(1);
    expect(sandbox.stats.generations.together).toBe(generations + 2);
    expect(result.outputs).toMatchObject({ count: '2', generated: '2', failed: '2' });
    expectUsd(result.outputs.cost, 2 * PER_IMAGE);
    const made = JSON.parse(result.outputs.images!) as string[];
    for (const path of made) expect(existsSync(join(dir, path))).toBe(true);
    const manifest = JSON.parse(await readFile(join(dir, 'out/manifest.json'), 'utf8')) as {
      entries: Array<{ images: Array<{ file: string }>; cost: { usd: number; basis: string } }>;
    };
    expect(manifest.entries.map((e) => `out/${e.images[0]!.file}`).sort()).toEqual([...made].sort());
    for (const entry of manifest.entries) {
      expect(entry.cost.basis).toBe('estimate');
      expect(entry.cost.usd).toBeCloseTo(PER_IMAGE, 8);
    }

    expect(result.stdout).toMatch(
      /^::error::2 of 4 prompt\(s\) failed:%0Aline [34] "a (three|four) of a kind": BudgetExceededError: Budget exceeded: this call would cost about \$0\.0028, with \$0\.0057 of the \$0\.0060 budget already spent or committed; it was not sent%0A/m,
    );
    // The summary's cost column: each made prompt, the refused ones with none, and what the run spent.
    expect(result.summary).toContain('<th>Cost (USD)</th><th>Basis</th>');
    expect(result.summary.match(/<td>generated<\/td><td>1<\/td><td>\$0\.002831<\/td><td>estimate<\/td>/g)).toHaveLength(
      2,
    );
    expect(result.summary.match(/<td>failed<\/td><td>0<\/td><td>—<\/td><td>—<\/td>/g)).toHaveLength(2);
    expect(result.summary).toContain(
      '<td><strong>Total</strong></td><td>this run</td><td>—</td><td>2</td><td><strong>$0.005662</strong></td><td>estimate</td>',
    );

    // The same budget again makes the rest: skipped prompts spend none of it, and their cost is read from the manifest.
    const rerun = await runLikeRunner(dir, { ...base(), prompt: prompts, 'max-cost': '0.006', 'output-dir': 'out' });
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(sandbox.stats.generations.together).toBe(generations + 4);
    expect(rerun.outputs).toMatchObject({ count: '4', generated: '2', skipped: '2' });
    expectUsd(rerun.outputs.cost, 2 * PER_IMAGE);
    expect(
      rerun.summary.match(/<td>skipped \(earlier run\)<\/td><td>1<\/td><td>\$0\.002831<\/td><td>estimate<\/td>/g),
    ).toHaveLength(2);
  });

  it('refuses a model with no price before any request, naming max-cost', async () => {
    const dir = await workspace();
    const requests = sandbox.stats.requests;
    const result = await runLikeRunner(dir, {
      provider: 'custom',
      'base-url': sandbox.urls.openai,
      'api-key': 'pictor-sandbox-key-77d1',
      model: 'acme/painter-1',
      prompt: 'a kite',
      'max-cost': '1',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /^::error::Invalid inputs: max-cost: no price is known for line 1 \(acme\/painter-1\) on custom/m,
    );
    expect(sandbox.stats.requests).toBe(requests);
    expect(result.outputs).toEqual({});
  });
});

describe('bad cost inputs', () => {
  it.each([
    ['not json', 'prices-file: prices.json is not JSON'],
    [
      JSON.stringify([{ providers: ['sandbox'], model: SCHNELL, rule: { kind: 'per-pixel' } }]),
      'prices-file: prices.json is not a price table: [0].rule',
    ],
    [JSON.stringify({ model: SCHNELL }), 'prices-file: prices.json is not a price table: '],
  ])('a prices file holding %j fails the step naming prices-file, before any request', async (text, message) => {
    const dir = await workspace();
    await writeFile(join(dir, 'prices.json'), text);
    const requests = sandbox.stats.requests;
    const result = await runLikeRunner(dir, { ...base(), prompt: 'a kite', 'prices-file': 'prices.json' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^::error::Invalid inputs: /m);
    expect(result.stdout).toContain(message);
    expect(result.outputs).toEqual({});
    expect(sandbox.stats.requests).toBe(requests);
  });

  it.each([
    [{ 'prices-file': '../prices.json' }, 'prices-file: must be inside the workspace'],
    [{ 'prices-file': 'missing.json' }, 'prices-file: cannot be read: missing.json (ENOENT)'],
    [{ 'max-cost': '$5' }, 'max-cost: must be an amount in USD'],
    [{ 'max-cost': '-1' }, 'max-cost: must be an amount in USD'],
    [{ 'dry-run': 'maybe' }, 'dry-run: must be true or false'],
  ])('%j fails the step naming the input', async (bad, message) => {
    const result = await runLikeRunner(await workspace(), { ...base(), prompt: 'a kite', ...bad });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(message);
    expect(result.outputs).toEqual({});
  });
});
