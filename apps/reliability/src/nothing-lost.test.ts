import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFolder, hashesByImage, type FolderState } from './__fixtures__/check-folder.ts';
import { startFailingPromptProxy, type FailingPromptProxy } from './__fixtures__/failing-prompt-proxy.ts';
import { PICTOR_BIN, requireBuilt } from './__fixtures__/front-doors.ts';
import { runAction } from './__fixtures__/run-action.ts';
import { collect, runNode, spawnNode } from './__fixtures__/run-node.ts';

// A batch cut short — SIGINT/SIGTERM to `pictor batch`, a prompt the provider keeps failing inside the Action —
// leaves every finished image and a manifest that matches the files (each recorded file present with its sha256,
// nothing else: no temporary file, no orphan). A rerun produces only the rest, and where seeds were given every
// image is byte-identical to an uninterrupted run's. packages/cli's own test covers one SIGINT of unseeded
// single-image prompts; this one adds a multi-call prompt cut mid-way, SIGTERM, the exact set of calls a rerun
// makes, untouched finished files and the comparison with a clean run.

let root: string;
beforeAll(async () => {
  requireBuilt(PICTOR_BIN);
  root = await mkdtemp(join(tmpdir(), 'pictor-nothing-lost-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Calls a prompt of `n` images takes at Together (4 images per call at most). */
const callsFor = (n: number): number => Math.ceil(n / 4);

function expectConsistent(state: FolderState): void {
  expect(state.problems).toEqual([]);
}

/** The seeded images of a folder, `key#index → sha256`. */
function seeded(state: FolderState): Map<string, string> {
  const all = hashesByImage(state);
  for (const image of state.images) if (image.seed === undefined) all.delete(`${image.key}#${image.index}`);
  return all;
}

describe('pictor batch interrupted', () => {
  let slow: Sandbox;
  beforeAll(async () => {
    // 250 ms per image: a 6-image prompt takes one call of 4 images (1 s) and one of 2 (0.5 s), in parallel.
    slow = await startSandbox({ latencyMs: 250 });
  });
  afterAll(() => slow.close());

  const PROMPTS = [
    { prompt: 'nothing lost: six images over two calls', n: 6, seed: 11 },
    { prompt: 'nothing lost: a pair', n: 2, seed: 22 },
    { prompt: 'nothing lost: a single', n: 1, seed: 33 },
    { prompt: 'nothing lost: another pair', n: 2, seed: 44 },
    { prompt: 'nothing lost: one more', n: 1, seed: 55 },
    { prompt: 'nothing lost: no seed', n: 1 },
    { prompt: 'nothing lost: the last pair', n: 2, seed: 77 },
  ];

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'by %s: finished images kept, manifest matches, a rerun makes only the rest, seeded bytes as a clean run',
    async (signal) => {
      const dir = join(root, `cli-${signal}`);
      const file = join(root, `prompts-${signal}.jsonl`);
      await writeFile(file, PROMPTS.map((p) => JSON.stringify(p)).join('\n'));
      const args = (out: string) => [
        'batch',
        file,
        '--provider',
        'sandbox',
        '--base-url',
        slow.urls.together,
        '-s',
        '64x64',
        '--out',
        out,
        '--concurrency',
        '2',
      ];

      // 1. Interrupt once the first prompt is saved.
      const child = spawnNode(PICTOR_BIN, args(join(dir, 'interrupted')));
      const done = collect(child);
      await new Promise<void>((resolve) => {
        let seen = '';
        child.stderr.on('data', (chunk: Buffer | string) => {
          seen += chunk.toString();
          if (/\[\d+\/7\] saved/.test(seen)) resolve();
        });
        child.on('exit', () => resolve());
      });
      child.kill(signal);
      const interrupted = await done;
      expect(interrupted.code, interrupted.stderr).toBe(130);
      expect(interrupted.stderr).toMatch(/Interrupted: 7 prompts/);

      const first = await checkFolder(join(dir, 'interrupted'));
      expectConsistent(first);
      expect(first.completeKeys.length).toBeGreaterThanOrEqual(1);
      expect(first.completeKeys.length).toBeLessThan(PROMPTS.length);

      // 2. Rerun: every complete prompt is skipped and its files left alone; only the rest is asked for.
      const callsBefore = slow.stats.generations.together;
      const rerun = await runNode(PICTOR_BIN, [...args(join(dir, 'interrupted')), '--json']);
      expect(rerun.code, rerun.stderr).toBe(0);
      const doc = JSON.parse(rerun.stdout) as { prompts: Array<{ line: number; status: string }> };
      const skipped = doc.prompts.filter((p) => p.status === 'skipped').map((p) => p.line);
      const generated = doc.prompts.filter((p) => p.status === 'generated').map((p) => p.line);
      expect(skipped).toHaveLength(first.completeKeys.length);
      expect(skipped.length + generated.length).toBe(PROMPTS.length);
      const expectedCalls = generated.reduce((sum, line) => sum + callsFor(PROMPTS[line - 1]!.n), 0);
      expect(slow.stats.generations.together - callsBefore).toBe(expectedCalls);

      const second = await checkFolder(join(dir, 'interrupted'));
      expectConsistent(second);
      expect(second.completeKeys).toHaveLength(PROMPTS.length);
      expect(second.images).toHaveLength(PROMPTS.reduce((sum, p) => sum + p.n, 0));
      for (const image of first.images.filter((i) => first.completeKeys.includes(i.key))) {
        expect(
          second.images.find((i) => i.file === image.file),
          image.file,
        ).toMatchObject({ sha256: image.sha256, mtimeMs: image.mtimeMs });
      }

      // 3. A clean run elsewhere gives the same bytes for every seeded image.
      const clean = await runNode(PICTOR_BIN, args(join(dir, 'clean')));
      expect(clean.code, clean.stderr).toBe(0);
      const reference = await checkFolder(join(dir, 'clean'));
      expectConsistent(reference);
      expect(seeded(second).size).toBe(PROMPTS.filter((p) => p.seed !== undefined).reduce((sum, p) => sum + p.n, 0));
      expect(seeded(second)).toEqual(seeded(reference));
    },
  );
});

describe('the Action with a prompt the provider keeps failing', () => {
  let sandbox: Sandbox;
  let proxy: FailingPromptProxy;
  beforeAll(async () => {
    sandbox = await startSandbox();
    proxy = await startFailingPromptProxy(sandbox.urls.together);
  });
  afterAll(async () => {
    await proxy.close();
    await sandbox.close();
  });

  const PROMPTS = [
    { prompt: 'action: first', n: 2, seed: 101 },
    { prompt: 'action: the one that fails', n: 2, seed: 202 },
    { prompt: 'action: third', n: 1, seed: 303 },
    { prompt: 'action: fourth', n: 5, seed: 404 },
  ];
  const FAILING = PROMPTS[1]!.prompt;

  it('fails the step (fail-on-partial), keeps the rest consistent; the rerun makes only the failed prompt, byte-identical', async () => {
    const workspace = join(root, 'action');
    const fresh = join(root, 'action-clean');
    for (const w of [workspace, fresh]) {
      await mkdir(w, { recursive: true });
      await writeFile(join(w, 'prompts.jsonl'), PROMPTS.map((p) => JSON.stringify(p)).join('\n'));
    }
    const inputs = {
      'prompts-file': 'prompts.jsonl',
      provider: 'together',
      'api-key': 'sk-action-nothing-lost',
      'base-url': proxy.url,
      size: '64x64',
      'fail-on-partial': 'true',
    };

    // 1. One prompt fails on every attempt.
    proxy.failing.add(FAILING);
    const failed = await runAction(inputs, { workspace });
    expect(failed.code, failed.stdout).toBe(1);
    expect(failed.stdout).toMatch(/^::error::1 of 4 prompt\(s\) failed/m);
    expect(failed.outputs).toMatchObject({ failed: '1', count: '8', generated: '8', skipped: '0' });
    expect(proxy.refused.filter((p) => p === FAILING).length).toBe(3); // the first attempt and 2 retries
    const first = await checkFolder(join(workspace, 'generated-images'));
    expectConsistent(first);
    expect(first.completeKeys).toHaveLength(3);
    expect(first.images).toHaveLength(8);

    // 2. The provider recovers; the rerun asks only for the failed prompt and leaves the rest untouched.
    proxy.failing.clear();
    const forwardedBefore = proxy.forwarded.length;
    const rerun = await runAction(inputs, { workspace });
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(rerun.outputs).toMatchObject({ failed: '0', count: '10', generated: '2', skipped: '8' });
    expect(proxy.forwarded.slice(forwardedBefore)).toEqual([FAILING]);
    const second = await checkFolder(join(workspace, 'generated-images'));
    expectConsistent(second);
    expect(second.completeKeys).toHaveLength(4);
    for (const image of first.images) {
      expect(
        second.images.find((i) => i.file === image.file),
        image.file,
      ).toMatchObject({ sha256: image.sha256, mtimeMs: image.mtimeMs });
    }
    expect(JSON.parse(rerun.outputs.images!)).toHaveLength(10);

    // 3. A run that never failed gives the same bytes.
    const clean = await runAction(inputs, { workspace: fresh });
    expect(clean.code, clean.stdout).toBe(0);
    const reference = await checkFolder(join(fresh, 'generated-images'));
    expectConsistent(reference);
    expect(hashesByImage(second)).toEqual(hashesByImage(reference));
  });
});
