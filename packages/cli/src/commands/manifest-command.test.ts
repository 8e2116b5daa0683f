import { findCompleteEntry, readManifest } from '@pictor/core/storage';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lines, runPictor, tempDir } from '../__fixtures__/run-pictor.js';

let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };
let prompts: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.stats.reset();
  dir = await tempDir();
  prompts = join(dir.path, 'prompts.txt');
  await writeFile(prompts, `${Array.from({ length: 10 }, (_, i) => `a lighthouse, take ${i + 1}`).join('\n')}\n`);
});
afterEach(() => dir.remove());

function batch(out: string, args: string[] = []) {
  const target = ['--provider', 'sandbox', '--base-url', sandbox.urls.together, '--size', '256x256'];
  return runPictor(['batch', prompts, ...target, '--seed', '4', '--out', join(dir.path, out), ...args]);
}

const merge = (...args: string[]) => runPictor(['manifest', 'merge', ...args], { cwd: dir.path });

describe('pictor batch --shard and pictor manifest merge', () => {
  it('two machines make each prompt once; the merged folder is the whole batch, and merging again changes nothing', async () => {
    const first = await batch('shard-1', ['--shard', '1/2']);
    const second = await batch('shard-2', ['--shard', '2/2']);
    expect([first.code, second.code]).toEqual([0, 0]);
    const made = [first, second].map((run) => Number(/Done: (\d+) prompts?/.exec(run.stderr)?.[1]));
    expect(made[0]! + made[1]!).toBe(10);
    expect(first.stderr).toContain(`(shard 1/2; ${made[1]} for the others)`);
    expect(sandbox.stats.generations.together).toBe(10);
    const shardPrompts = async (name: string) =>
      (await readManifest(join(dir.path, name))).entries.map((e) => e.prompt);
    const [one, two] = [await shardPrompts('shard-1'), await shardPrompts('shard-2')];
    expect(one.filter((p) => two.includes(p))).toEqual([]);

    const run = await merge('images', 'shard-1', 'shard-2');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toHaveLength(10);
    expect(lines(run.stdout).every((line) => line.startsWith(join('images', 'a-lighthouse-take-')))).toBe(true);
    expect(run.stderr).toContain(
      'Merged 10 entries (10 files) from 2 folders into images: 0 already there, 0 conflicts, 0 problems',
    );
    const into = join(dir.path, 'images');
    const manifest = await readManifest(into);
    expect(manifest.entries.map((e) => e.prompt).sort()).toEqual([...one, ...two].sort());
    for (const e of manifest.entries) expect(await findCompleteEntry(into, e.key, manifest)).toBeDefined();

    // The whole batch into the merged folder sends nothing.
    const whole = await batch('images');
    expect(whole.stderr).toMatch(/Done: 10 prompts, 0 generated, 10 already done, 0 failed/);
    expect(sandbox.stats.generations.together).toBe(10);

    const files = await readdir(into);
    const bytes = await readFile(join(into, 'manifest.json'));
    const again = await merge('images', 'shard-1', 'shard-2', '--json');
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout);
    expect(json).toMatchObject({ merged: [], conflicts: [], problems: [] });
    expect(json.skipped).toHaveLength(10);
    expect(await readdir(into)).toEqual(files);
    expect(await readFile(join(into, 'manifest.json'))).toEqual(bytes);
  });

  it('reports a tampered file and a folder without a manifest, merges the rest, and exits 6', async () => {
    expect((await batch('shard-1', ['--shard', '1/2'])).code).toBe(0);
    const folder = join(dir.path, 'shard-1');
    const manifest = await readManifest(folder);
    const tampered = manifest.entries[0]!;
    await writeFile(join(folder, tampered.images[0]!.file), 'not the image');
    const run = await merge('images', 'shard-1', 'missing');
    expect(run.code).toBe(6);
    expect(run.stderr).toContain(
      `pictor: warning: shard-1: entry ${tampered.key.slice(0, 16)} not merged: "${tampered.images[0]!.file}" does not match its manifest record`,
    );
    expect(run.stderr).toMatch(/pictor: warning: missing: .*missing holds no manifest\.json/);
    expect(run.stderr).toContain(`Merged ${manifest.entries.length - 1} entr`);
    const merged = await readManifest(join(dir.path, 'images'));
    expect(merged.entries.map((e) => e.key)).not.toContain(tampered.key);
    expect(merged.entries).toHaveLength(manifest.entries.length - 1);
  });

  it.each(['0/2', '3/2', 'x/y', '1/0'])('refuses --shard %s before sending anything (exit 2)', async (shard) => {
    const run = await batch('images', ['--shard', shard]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`option '--shard <i/n>' argument '${shard}' is invalid. must be i/n with 1 ≤ i ≤ n`);
    expect(sandbox.stats.generations.together).toBe(0);
  });

  it('prices only its share in a dry run', async () => {
    const run = await batch('images', ['--shard', '1/2', '--dry-run', '--json']);
    expect(run.code).toBe(0);
    const share = await batch('shard-1', ['--shard', '1/2']);
    const made = Number(/Done: (\d+) prompts?/.exec(share.stderr)?.[1]);
    expect(JSON.parse(run.stdout).prompts).toHaveLength(made);
  });

  it('needs a folder to merge', async () => {
    const run = await merge('images');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'folder'");
  });
});
