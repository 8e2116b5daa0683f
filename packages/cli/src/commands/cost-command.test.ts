import { readManifest } from '@pictor/core/storage';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lines, runPictor, tempDir } from '../__fixtures__/run-pictor.js';

// FLUX.1 [schnell] on the sandbox, priced as Together: $0.0027 per megapixel.
const MP_1024 = 1.048576;
const MP_512 = 0.262144;

let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };
let out: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  dir = await tempDir();
  out = join(dir.path, 'images');
});
afterEach(() => dir.remove());

function generate(prompt: string, args: string[]) {
  return runPictor([
    ...['generate', prompt, ...args],
    ...['--provider', 'sandbox', '--base-url', sandbox.urls.together, '--out', out],
  ]);
}

describe('pictor cost', () => {
  it('sums the manifest written by real runs, per entry and in total, and matches the runs’ own cost lines', async () => {
    const first = await generate('a red fox', ['-n', '2', '--size', '1024x1024']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('cost: $0.0057 (estimate)');
    const second = await generate('a blue whale', ['--size', '512x512', '--json']);
    expect(JSON.parse(second.stdout).cost.usd).toBeCloseTo(MP_512 * 0.0027, 9);

    const run = await runPictor(['cost', out]);
    expect(run.code).toBe(0);
    const rows = lines(run.stdout);
    expect(rows[0]).toMatch(/^cost\s+basis\s+images\s+model\s+prompt$/);
    expect(rows[1]).toMatch(/^\$0\.0057\s+estimate\s+2\s+black-forest-labs\/FLUX\.1-schnell\s+a red fox$/);
    expect(rows[2]).toMatch(/^\$0\.0007\s+estimate\s+1\s+black-forest-labs\/FLUX\.1-schnell\s+a blue whale$/);
    const total = (2 * MP_1024 + MP_512) * 0.0027; // $0.0063700992
    expect(rows[3]).toBe('total: $0.0064 (estimate) for 3 images in 2 entries');

    const json = JSON.parse((await runPictor(['cost', out, '--json'])).stdout);
    expect(json.entries.map((e: { prompt: string; images: number }) => [e.prompt, e.images])).toEqual([
      ['a red fox', 2],
      ['a blue whale', 1],
    ]);
    expect(json.total).toMatchObject({ basis: 'estimate', images: 3, entries: 2, unknownEntries: 0 });
    expect(json.total.usd).toBeCloseTo(total, 8);
    // The same figures the manifest holds.
    const recorded = (await readManifest(out)).entries.reduce((sum, e) => sum + (e.cost?.usd ?? NaN), 0);
    expect(json.total.usd).toBeCloseTo(recorded, 9);
  });

  it('reports a cost from the usage the provider reported (the OpenAI stand-in reports it) as such', async () => {
    const run = await runPictor(
      [
        ...['generate', 'a lighthouse', '--model', 'gpt-image-2', '--quality', 'low', '--size', '1024x1024'],
        ...['--provider', 'openai', '--base-url', sandbox.urls.openai, '--out', out],
      ],
      { env: { OPENAI_API_KEY: 'sk-cli-cost-test-0000' } },
    );
    expect(run.code).toBe(0);
    const line = /^cost: (\$\d+\.\d{4}) \(from usage\)$/m.exec(run.stderr);
    expect(line).not.toBeNull();
    const report = await runPictor(['cost', out]);
    expect(lines(report.stdout)[1]).toMatch(new RegExp(`^\\${line![1]}\\s+usage\\s+1\\s+gpt-image-2\\s+a lighthouse$`));
    expect(lines(report.stdout)[2]).toBe(`total: ${line![1]} (from usage) for 1 image in 1 entry`);
  });

  it('says unknown for an entry without a recorded cost, never 0, and strips control characters', async () => {
    await generate('a red fox', ['--size', '1024x1024']);
    const path = join(out, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    const [made] = manifest.entries;
    // An entry from an older Pictor (no cost), written by someone who wants to take over the terminal.
    manifest.entries.push({
      ...made,
      key: 'f'.repeat(64),
      prompt: 'evil\u001b]0;owned\u0007 prompt\u001b[2J',
      model: 'acme/\u001b[31mred',
      cost: undefined,
    });
    await writeFile(path, JSON.stringify(manifest));

    const run = await runPictor(['cost', out]);
    expect(run.code).toBe(0);
    const printed = [...(run.stdout + run.stderr)].map((c) => c.charCodeAt(0));
    expect(printed.filter((code) => (code < 0x20 && code !== 0x0a) || code === 0x7f)).toEqual([]);
    expect(run.stdout).toContain('evil prompt');
    const rows = lines(run.stdout);
    expect(rows[2]).toMatch(/^unknown\s+unknown\s+1\s+acme\/.*red\s+evil.*prompt/);
    expect(rows[3]).toBe('total: unknown (1 entry of unknown cost; the other 1: $0.0028) for 2 images in 2 entries');

    const json = JSON.parse((await runPictor(['cost', out, '--json'])).stdout);
    expect(json.entries[1].cost).toEqual({ usd: null, basis: 'unknown' });
    expect(json.total).toMatchObject({ usd: null, basis: 'unknown', unknownEntries: 1 });
    expect(json.total.knownUsd).toBeCloseTo(MP_1024 * 0.0027, 9);
  });

  it('refuses a folder without a manifest, or a manifest that is not one (nothing written)', async () => {
    const none = await runPictor(['cost', dir.path]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/pictor: error: .* has no manifest\.json/);
    await writeFile(join(dir.path, 'manifest.json'), JSON.stringify({ version: 1, entries: [{ key: 1 }] }));
    const bad = await runPictor(['cost', dir.path]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/is not a Pictor manifest \(entries\.0\.key: /);
  });
});
