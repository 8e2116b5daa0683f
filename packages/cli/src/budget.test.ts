import { readManifest } from '@pictor/core/storage';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lines, runPictor, tempDir } from './__fixtures__/run-pictor.js';

// --max-cost against the sandbox, priced as Together: FLUX.1 [schnell] at 1024×1024 is 1.048576 MP × $0.0027.
const EACH = 1.048576 * 0.0027; // $0.0028311552

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

const target = ['--provider', 'sandbox', '--base-url', '', '--size', '1024x1024'];
function pictor(args: string[]) {
  target[3] = sandbox.urls.together;
  return runPictor([...args, ...target, '--out', out]);
}

describe('--max-cost', () => {
  it('stops a batch midway: what fits is made and saved, no call over the budget is sent, exit 6', async () => {
    const file = join(dir.path, 'prompts.txt');
    await writeFile(file, ['a red fox', 'a blue whale', 'a green frog', 'a yellow bird'].join('\n'));
    // Two images fit in $0.006; a third would make $0.0085. Three prompts start at once: the budget is reserved
    // before each call, so the third is refused even while the first two are in flight.
    const run = await pictor(['batch', file, '--max-cost', '0.006', '--concurrency', '3', '--json']);
    expect(run.code).toBe(6);
    expect(sandbox.stats.generations.together).toBe(2);
    expect(sandbox.stats.requests).toBe(2);

    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ total: 4, generated: 2, failed: 2, skipped: 0 });
    expect(report.cost.basis).toBe('estimate');
    expect(report.cost.usd).toBeCloseTo(2 * EACH, 9);
    for (const failure of report.failures) {
      expect(failure.error).toMatchObject({ name: 'BudgetExceededError', limitUsd: 0.006 });
      expect(failure.error.callUsd).toBeCloseTo(EACH, 9);
      expect(failure.error.message).toMatch(
        /^Budget exceeded: this call would cost about \$0\.0028, with \$0\.0057 of the \$0\.0060 budget/,
      );
    }
    // Nothing lost: both images on disk and in the manifest, with their cost.
    const manifest = await readManifest(out);
    expect(manifest.entries).toHaveLength(2);
    const files = (await readdir(out)).filter((f) => f !== 'manifest.json').sort();
    expect(files).toEqual(manifest.entries.map((e) => e.images[0]!.file).sort());
    for (const entry of manifest.entries) expect(entry.cost?.usd).toBeCloseTo(EACH, 9);

    // Run again with the same budget: the two made are skipped, the other two are made now.
    sandbox.stats.reset();
    const rest = await pictor(['batch', file, '--max-cost', '0.006']);
    expect(rest.code).toBe(0);
    expect(sandbox.stats.generations.together).toBe(2);
    expect(rest.stderr).toMatch(/Done: 4 prompts, 2 generated, 2 already done, 0 failed/);
    expect(rest.stderr).toContain('cost of this run: $0.0057 (estimate)');
  });

  it('prints the refusal with its figures in a plain batch run', async () => {
    const file = join(dir.path, 'prompts.txt');
    await writeFile(file, ['a red fox', 'a blue whale'].join('\n'));
    const run = await pictor(['batch', file, '--max-cost', '0.004', '--concurrency', '1']);
    expect(run.code).toBe(6);
    expect(sandbox.stats.requests).toBe(1);
    expect(lines(run.stdout)).toHaveLength(1);
    expect(run.stderr).toMatch(
      /\[2\/2\] failed line 2 "a blue whale": Budget exceeded: this call would cost about \$0\.0028, with \$0\.0028 of the \$0\.0040 budget already spent or committed; it was not sent/,
    );
    expect(run.stderr).toMatch(/Done: 2 prompts, 1 generated, 0 already done, 1 failed/);
  });

  it('generate: keeps the images of the calls within the budget and refuses the rest (exit 6)', async () => {
    // Six images are two calls (four, then two): $0.0113 fits in $0.012, the next $0.0057 does not.
    const run = await pictor(['generate', 'a lighthouse', '-n', '6', '--max-cost', '0.012', '--json']);
    expect(run.code).toBe(6);
    expect(sandbox.stats.generations.together).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.images).toHaveLength(4);
    expect(result.failures.map((f: { error: { name: string } }) => f.error.name)).toEqual([
      'BudgetExceededError',
      'BudgetExceededError',
    ]);
    expect(result.cost.usd).toBeCloseTo(4 * EACH, 9);
    for (const image of result.images) expect(image.cost).toEqual({ usd: expect.closeTo(EACH, 9), basis: 'estimate' });
    expect((await readManifest(out)).entries[0]!.images).toHaveLength(4);
  });

  it('generate: a call over the budget is not sent; the error names the figures and nothing is written', async () => {
    const run = await pictor(['generate', 'a lighthouse', '--max-cost', '0.001']);
    expect(run.code).toBe(6);
    expect(sandbox.stats.requests).toBe(0);
    expect(run.stderr).toContain(
      'pictor: error: Budget exceeded: this call would cost about $0.0028, with $0.00 of the $0.0010 budget already spent or committed; it was not sent (raise --max-cost to allow it)',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a budget for a model with no price is refused before anything is sent, naming --max-cost (exit 2)', async () => {
    const run = await pictor(['generate', 'a lighthouse', '--model', 'acme/painter-9', '--max-cost', '1']);
    expect(run.code).toBe(2);
    expect(sandbox.stats.requests).toBe(0);
    expect(run.stderr).toMatch(/pictor: error: invalid request: --max-cost: no price is known for acme\/painter-9/);
  });

  it('refuses a budget that is not a number', async () => {
    const run = await pictor(['generate', 'a lighthouse', '--max-cost', 'lots']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-cost <usd>' argument 'lots' is invalid\. must be a number/);
  });
});
