import { renderImage, startSandbox, type Sandbox } from '@pictor/sandbox';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPictor, tempDir } from './__fixtures__/run-pictor.js';

// Dry runs are checked against prices worked out by hand, and against the sandbox's counters: nothing may arrive.
const KEY = 'sk-cli-dry-run-test-0000';
/** FLUX.1 [schnell] on Together (the sandbox is priced as Together): 1024×1024 = 1.048576 MP at $0.0027 per MP. */
const SCHNELL_1024 = 1.048576 * 0.0027;
const PROMPT = 'a lighthouse at dusk'; // 20 characters: ceil(20 / 4) = 5 text tokens
/** gpt-image-2 at high quality, 1024×1024: 7024 image-output tokens at $30/M, plus the prompt's text at $5/M. */
const GPT_IMAGE_2_HIGH = (7024 * 30) / 1e6 + (Math.ceil(PROMPT.length / 4) * 5) / 1e6;

let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };
let out: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.stats.reset();
  dir = await tempDir();
  out = join(dir.path, 'images');
});
afterEach(() => dir.remove());

/** Nothing was sent to the sandbox and nothing was written: the run folder holds only what the test put there. */
async function expectNothingHappened(own: string[] = []) {
  expect(sandbox.stats.requests).toBe(0);
  expect(existsSync(out)).toBe(false);
  expect((await readdir(dir.path)).sort()).toEqual(own.sort());
}

const usd = (n: number) => `$${n.toFixed(4)}`;

describe('pictor generate --dry-run', () => {
  it('with no key plans on the embedded sandbox without starting it, and prints the hand-computed cost', async () => {
    const run = await runPictor(['generate', PROMPT, '-n', '4', '--size', '1024x1024', '--dry-run', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/No API key found|started in this process/);
    expect(run.stderr).toMatch(/Dry run with the embedded sandbox \(not started: a dry run\): nothing is sent/);
    expect(run.stdout).toContain(
      `black-forest-labs/FLUX.1-schnell: 4 images in 1 call, 1024x1024: ${usd(4 * SCHNELL_1024)} (estimate)`,
    );
    expect(run.stdout).toMatch(/price: docs\.together\.ai/);
    expect(run.stdout).toContain(`total: 4 images in 1 call, ${usd(4 * SCHNELL_1024)} (estimate)`);
    await expectNothingHappened();
  });

  it('prices gpt-image-2 at high quality on the OpenAI stand-in, as JSON, sending nothing', async () => {
    const run = await runPictor(
      [
        'generate',
        PROMPT,
        ...['--model', 'gpt-image-2', '--quality', 'high', '--size', '1024x1024', '-n', '2'],
        ...['--provider', 'openai', '--base-url', sandbox.urls.openai, '--out', out, '--dry-run', '--json'],
      ],
      { env: { OPENAI_API_KEY: KEY } },
    );
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({ dryRun: true, provider: 'openai', total: { basis: 'estimate', images: 2 } });
    const [prompt] = plan.prompts;
    expect(prompt).toMatchObject({ prompt: PROMPT, model: 'gpt-image-2', images: 2, sizes: ['1024x1024'] });
    // One call for both images: the prompt's text is counted once.
    const both = (2 * 7024 * 30) / 1e6 + (5 * 5) / 1e6;
    expect(prompt.calls).toEqual([
      { n: 2, width: 1024, height: 1024, autoSize: false, cost: { usd: expect.any(Number), basis: 'estimate' } },
    ]);
    expect(prompt.cost.usd).toBeCloseTo(both, 9);
    expect(plan.total.usd).toBeCloseTo(both, 9);
    expect(prompt.source).toMatch(/community\.openai\.com/);
    expect(run.stdout).not.toContain(KEY);
    await expectNothingHappened();
  });

  it('says unknown, never $0, for a model with no price', async () => {
    const run = await runPictor(
      ['generate', PROMPT, '--model', 'acme/painter-9', '--base-url', sandbox.urls.openai, '--dry-run', '--out', out],
      { env: { PICTOR_API_KEY: KEY } },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/acme\/painter-9: 1 image in 1 call, .*: unknown\n/);
    expect(run.stdout).toContain('price: none known for this model (add one with --prices)');
    expect(run.stdout).toContain('total: 1 image in 1 call, unknown');
    expect(run.stdout).not.toContain('$0.0000');
    await expectNothingHappened();
  });

  it('refuses an invalid request as a real run would (exit 2, the flag named)', async () => {
    const run = await runPictor(['generate', PROMPT, '--size', '10x10', '--dry-run', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/pictor: error: invalid request: --size/);
    await expectNothingHappened();
  });
});

describe('pictor edit --dry-run', () => {
  let photo: string;
  let notes: string;
  beforeEach(async () => {
    photo = join(dir.path, 'photo.png');
    notes = join(dir.path, 'notes.txt');
    const png = await renderImage({ prompt: 'a meadow', seed: 1, index: 0, width: 256, height: 256, format: 'png' });
    await writeFile(photo, png);
    await writeFile(notes, 'not a picture\n');
  });

  const edit = (args: string[]) =>
    runPictor(['edit', ...args, '--provider', 'openai', '--base-url', sandbox.urls.openai, '--out', out, '--dry-run'], {
      env: { OPENAI_API_KEY: KEY },
    });

  it("prices the edit as a generation of OpenAI's edit model (gpt-image-2), checking the input, sending nothing", async () => {
    const run = await edit([photo, PROMPT, '--quality', 'high', '--size', '1024x1024']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`gpt-image-2: 1 image in 1 call, 1024x1024: ${usd(GPT_IMAGE_2_HIGH)} (estimate)`);
    await expectNothingHappened(['photo.png', 'notes.txt']);
    expect(sandbox.stats.edits.openai).toBe(0);
  });

  it('refuses a missing input or one that is not an image, naming the argument (exit 2)', async () => {
    const missing = await edit([join(dir.path, 'gone.png'), PROMPT]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /pictor: error: invalid request: image 1 \(.*gone\.png\): cannot be read: .* does not exist/,
    );
    const text = await edit([photo, notes, PROMPT]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/image 2 \(.*notes\.txt\): is not an image/);
    const mask = await edit([photo, PROMPT, '--mask', join(dir.path, 'nomask.png')]);
    expect(mask.code).toBe(2);
    expect(mask.stderr).toMatch(/--mask .*nomask\.png: cannot be read/);
    await expectNothingHappened(['photo.png', 'notes.txt']);
  });

  it('refuses a model that does not edit', async () => {
    const run = await edit([photo, PROMPT, '--model', 'dall-e-3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--model: dall-e-3 does not edit images on OpenAI/);
  });
});

describe('pictor batch --dry-run', () => {
  it('prints each prompt and the total, makes no request and writes no file (not even the manifest)', async () => {
    const file = join(dir.path, 'prompts.jsonl');
    await writeFile(
      file,
      ['"a red fox"', '{"prompt": "a blue whale", "n": 3}', '{"prompt": "a frog", "size": "512x512"}'].join('\n'),
    );
    const args = ['batch', file, '--provider', 'sandbox', '--base-url', sandbox.urls.together, '--out', out];
    const run = await runPictor([...args, '--size', '1024x1024', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`line 1: "a red fox"\n  black-forest-labs/FLUX.1-schnell: 1 image in 1 call`);
    expect(run.stdout).toContain(`3 images in 1 call, 1024x1024: ${usd(3 * SCHNELL_1024)} (estimate)`);
    const frog = 0.262144 * 0.0027; // 512×512
    expect(run.stdout).toContain(`1 image in 1 call, 512x512: ${usd(frog)} (estimate)`);
    const total = 4 * SCHNELL_1024 + frog;
    expect(run.stdout).toContain(`total: 5 images in 3 calls, ${usd(total)} (estimate)`);

    const json = await runPictor([...args, '--size', '1024x1024', '--dry-run', '--json']);
    const plan = JSON.parse(json.stdout);
    expect(plan.prompts.map((p: { line: number }) => p.line)).toEqual([1, 2, 3]);
    expect(plan.total.usd).toBeCloseTo(total, 9);
    await expectNothingHappened(['prompts.jsonl']);
  });

  it('reports by line what the model refuses, as the real batch would, before anything is sent', async () => {
    const file = join(dir.path, 'prompts.jsonl');
    await writeFile(file, ['"fine"', '{"prompt": "too fine", "quality": "hd"}'].join('\n'));
    const run = await runPictor(
      ['batch', file, '--provider', 'openai', '--base-url', sandbox.urls.openai, '--out', out, '--dry-run'],
      { env: { OPENAI_API_KEY: KEY } },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid batch: line 2\.quality: gpt-image-2 accepts .*; got "hd"/);
    await expectNothingHappened(['prompts.jsonl']);
  });
});
