import { readManifest } from '@pictor/core/storage';
import { renderImage, startSandbox, type Sandbox } from '@pictor/sandbox';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runLikeRunner } from './__fixtures__/run-like-runner.js';

// A sharded matrix and its merge job, through the committed bundle run as the runner runs it.

let sandbox: Sandbox;
let workspace: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.stats.reset();
  workspace = await mkdtemp(join(tmpdir(), 'pictor-shard-workspace-'));
  const prompts = Array.from({ length: 9 }, (_, i) => `a kite over the dunes, ${i + 1}`);
  await writeFile(join(workspace, 'prompts.txt'), `${prompts.join('\n')}\n`);
});

const generation = (extra: Record<string, string>) => ({
  'prompts-file': 'prompts.txt',
  provider: 'sandbox',
  'base-url': sandbox.urls.together,
  size: '256x256',
  seed: '8',
  ...extra,
});

/** The three jobs of a `shard: [1, 2, 3]` matrix, each into its own folder (its artifact). */
async function runMatrix() {
  const jobs = [];
  for (const index of [1, 2, 3]) {
    const run = await runLikeRunner(
      workspace,
      generation({ shard: `${index}/3`, 'output-dir': `shards/shard-${index}` }),
    );
    expect(run.exitCode, run.stdout).toBe(0);
    jobs.push(run);
  }
  return jobs;
}

describe('dist/index.js with shard and merge-manifests', () => {
  it('three shard jobs make each prompt once; the merge job joins them; a whole run then generates nothing', async () => {
    const jobs = await runMatrix();
    const generated = jobs.map((job) => Number(job.outputs.generated));
    expect(generated.reduce((a, b) => a + b, 0)).toBe(9);
    expect(sandbox.stats.generations.together).toBe(9);
    for (const [i, job] of jobs.entries()) {
      expect(job.outputs.shard).toBe(`${i + 1}/3`);
      expect(job.stdout).toContain(`Shard ${i + 1}/3: this job's share is ${generated[i]} of the 9 prompt(s)`);
      expect(job.summary).toContain(`Shard ${i + 1}/3: ${9 - generated[i]!} prompt(s) left to the other shards.`);
    }

    const merge = await runLikeRunner(workspace, { 'merge-manifests': 'shards/*', 'output-dir': 'all' });
    expect(merge.stderr).toBe('');
    expect(merge.exitCode, merge.stdout).toBe(0);
    expect(merge.stdout).toContain('Merging 3 folder(s) into all: shards/shard-1, shards/shard-2, shards/shard-3');
    expect(merge.outputs).toMatchObject({ merged: '9', count: '9', failed: '0', generated: '0', shard: '' });
    expect(JSON.parse(merge.outputs.images!)).toHaveLength(9);
    expect(merge.outputs.manifest).toBe(join('all', 'manifest.json'));
    expect(merge.summary).toContain('Pictor manifest merge');
    expect(merge.summary).toContain('9 entries (9 file(s)) merged from 3 folder(s)');
    expect((await readManifest(join(workspace, 'all'))).entries).toHaveLength(9);

    const whole = await runLikeRunner(workspace, generation({ 'output-dir': 'all' }));
    expect(whole.exitCode, whole.stdout).toBe(0);
    expect(whole.outputs).toMatchObject({ generated: '0', skipped: '9' });
    expect(sandbox.stats.generations.together).toBe(9);

    const again = await runLikeRunner(workspace, {
      'merge-manifests': 'shards/shard-1, shards/shard-2',
      'output-dir': 'all',
    });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ merged: '0', count: '9' });
  });

  it('fails the merge step on a shard file that does not match its record, after merging the rest', async () => {
    await runMatrix();
    const folder = join(workspace, 'shards/shard-2');
    const entry = (await readManifest(folder)).entries[0]!;
    await writeFile(join(folder, entry.images[0]!.file), 'tampered');
    const merge = await runLikeRunner(workspace, { 'merge-manifests': 'shards/*', 'output-dir': 'all' });
    expect(merge.exitCode).toBe(1);
    expect(merge.outputs).toMatchObject({ merged: '8', count: '8', failed: '1' });
    expect(merge.stdout).toContain(`::error::1 problem(s) while merging; what checked out was merged:`);
    expect(merge.stdout).toContain(`does not match its manifest record`);
    expect(merge.summary).toContain('Not merged');

    const lenient = await runLikeRunner(workspace, {
      'merge-manifests': 'shards/*',
      'output-dir': 'all',
      'fail-on-partial': 'false',
    });
    expect(lenient.exitCode).toBe(0);
    expect(lenient.stdout).toContain('::warning::1 problem(s) while merging');
  });

  it('refuses a bad shard, a merge folder outside the workspace, and a merge step given prompts; nothing sent', async () => {
    const bad = await runLikeRunner(workspace, generation({ shard: '4/3' }));
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('shard: must be i/n with 1 ≤ i ≤ n');

    await mkdir(join(workspace, 'shards'));
    const outside = await runLikeRunner(workspace, { 'merge-manifests': '../elsewhere', 'output-dir': 'all' });
    expect(outside.exitCode).toBe(1);
    expect(outside.stdout).toMatch(/merge-manifests: must stay inside the workspace .*"\.\.\/elsewhere"/);

    const both = await runLikeRunner(workspace, generation({ 'merge-manifests': 'shards', 'output-dir': 'all' }));
    expect(both.exitCode).toBe(1);
    expect(both.stdout).toContain(
      "merge-manifests: merges the shards' folders and generates nothing: drop prompts-file",
    );
    expect(sandbox.stats.generations.together).toBe(0);
  });

  it('prices only its share in a dry run', async () => {
    const runs = [];
    for (const index of [1, 2, 3])
      runs.push(await runLikeRunner(workspace, generation({ shard: `${index}/3`, 'dry-run': 'true' })));
    const counts = runs.map((run) => Number(/Total: (\d+) prompt\(s\)/.exec(run.stdout)?.[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(9);
    expect(runs.map((run) => run.outputs.shard)).toEqual(['1/3', '2/3', '3/3']);
    expect(sandbox.stats.generations.together).toBe(0);
  });

  it("plans an edit's share as its real run makes it: the input image's hash is part of each key", async () => {
    await mkdir(join(workspace, 'assets'));
    const photo = await renderImage({ prompt: 'a beach', seed: 1, index: 0, width: 256, height: 256, format: 'png' });
    await writeFile(join(workspace, 'assets/photo.png'), photo);
    const edit = (extra: Record<string, string>) => generation({ 'input-images': 'assets/photo.png', ...extra });
    for (const index of [1, 2]) {
      const plan = await runLikeRunner(workspace, edit({ shard: `${index}/2`, 'dry-run': 'true' }));
      const planned = Number(/this share holds (\d+) of the 9 prompt\(s\)/.exec(plan.stdout)?.[1]);
      const run = await runLikeRunner(workspace, edit({ shard: `${index}/2`, 'output-dir': `edits-${index}` }));
      expect(run.exitCode, run.stdout).toBe(0);
      expect(Number(run.outputs.generated)).toBe(planned);
    }
    expect(sandbox.stats.edits.openai + sandbox.stats.generations.together).toBe(9);
  });
});
