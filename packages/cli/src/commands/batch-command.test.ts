import { describeImage } from '@pictor/core';
import { readManifest } from '@pictor/core/storage';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, collect, lines, runPictor, spawnPictor, tempDir } from '../__fixtures__/run-pictor.js';

let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };
let out: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.setFaults(undefined);
  sandbox.stats.reset();
  dir = await tempDir();
  out = join(dir.path, 'images');
});
afterEach(() => dir.remove());

async function promptsFile(name: string, text: string): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(path, text);
  return path;
}

function batch(file: string, args: string[] = [], target: Sandbox = sandbox) {
  return runPictor(['batch', file, '--provider', 'sandbox', '--base-url', target.urls.together, '--out', out, ...args]);
}

async function imagesOf(prompt: string) {
  const entry = (await readManifest(out)).entries.find((e) => e.prompt === prompt);
  if (!entry) throw new Error(`no manifest entry for ${prompt}`);
  return Promise.all(
    entry.images.map(async (image) => {
      const { width, height } = describeImage(await readFile(join(out, image.file)));
      return { file: image.file, seed: image.seed, width, height };
    }),
  );
}

const THREE = ['"a red fox"', '{"prompt": "a blue whale"}', '{"prompt": "a green frog"}'].join('\n');

describe('pictor batch', () => {
  it('runs a JSONL file where each line overrides the command-line defaults', async () => {
    const file = await promptsFile(
      'prompts.jsonl',
      [
        '# the flags give 512x512 and seed 1',
        '"a red fox"',
        '{"prompt": "a blue whale", "n": 2, "seed": 7}',
        '',
        '{"prompt": "a green frog", "aspectRatio": "16:9"}',
        '{"prompt": "a snail", "fileName": "snail-{index}"}',
      ].join('\n'),
    );
    const run = await batch(file, ['--size', '512x512', '--seed', '1']);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toHaveLength(5);
    expect(run.stderr).toMatch(/Done: 4 prompts, 4 generated, 0 already done, 0 failed/);
    expect(await imagesOf('a red fox')).toEqual([expect.objectContaining({ seed: 1, width: 512, height: 512 })]);
    expect(await imagesOf('a blue whale')).toEqual([
      expect.objectContaining({ seed: 7, width: 512, height: 512 }),
      expect.objectContaining({ seed: 7, width: 512, height: 512 }),
    ]);
    expect(await imagesOf('a green frog')).toEqual([expect.objectContaining({ seed: 1, width: 1344, height: 768 })]);
    expect(await imagesOf('a snail')).toEqual([
      expect.objectContaining({ file: expect.stringMatching(/^snail-0\.\w+$/) }),
    ]);
  });

  it('runs a YAML file with its own defaults block', async () => {
    const file = await promptsFile(
      'prompts.yaml',
      [
        'defaults:',
        '  n: 2',
        '  aspectRatio: "3:4"',
        'prompts:',
        '  - a quiet harbour',
        '  - prompt: a loud market',
        '    n: 1',
        '    size: 640x640',
        '',
      ].join('\n'),
    );
    const run = await batch(file);
    expect(run.code).toBe(0);
    expect(await imagesOf('a quiet harbour')).toEqual([
      expect.objectContaining({ width: 864, height: 1184 }),
      expect.objectContaining({ width: 864, height: 1184 }),
    ]);
    expect(await imagesOf('a loud market')).toEqual([expect.objectContaining({ width: 640, height: 640 })]);
  });

  it('prints one plain line per finished prompt when stderr is not a terminal', async () => {
    const file = await promptsFile('prompts.txt', 'a red fox\na blue whale\n');
    const run = await batch(file, ['--concurrency', '1']);
    expect(run.code).toBe(0);
    expect(lines(run.stderr).filter((l) => l.startsWith('['))).toEqual([
      '[1/2] saved line 1 "a red fox": 1 image',
      '[2/2] saved line 2 "a blue whale": 1 image',
    ]);
  });

  it('resumes: a rerun generates nothing, and a deleted image is the only one made again', async () => {
    const file = await promptsFile('prompts.jsonl', THREE);
    const first = await batch(file);
    expect(first.code).toBe(0);
    expect(sandbox.stats.generations.together).toBe(3);
    const files = lines(first.stdout);

    const second = await batch(file);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/0 generated, 3 already done, 0 failed/);
    expect(lines(second.stdout)).toEqual(files);
    expect(sandbox.stats.generations.together).toBe(3);

    const [kept, deleted] = [files[0]!, files[1]!];
    const keptMtime = (await stat(kept)).mtimeMs;
    await rm(deleted);
    const third = await batch(file);
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/1 generated, 2 already done, 0 failed/);
    expect(sandbox.stats.generations.together).toBe(4);
    expect(existsSync(deleted)).toBe(true);
    expect((await stat(kept)).mtimeMs).toBe(keptMtime);
    expect((await readManifest(out)).entries).toHaveLength(3);
  });

  it('keeps going past a failed prompt, exits 6, and a rerun makes only the failed one', async () => {
    sandbox.setFaults([{ fault: 'server-error' }]);
    const file = await promptsFile('prompts.jsonl', THREE);
    const run = await batch(file, ['--retries', '0', '--concurrency', '1']);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/\[1\/3\] failed line 1 "a red fox": 500 /);
    expect(run.stderr).toMatch(/2 generated, 0 already done, 1 failed; manifest .*\. Run the same command again/);

    const rerun = await batch(file);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/1 generated, 2 already done, 0 failed/);
  });

  it('stops at an error every prompt would meet (no quota left) and exits with its own code', async () => {
    sandbox.setFaults([{ fault: 'quota', times: 3 }]);
    const run = await batch(await promptsFile('prompts.jsonl', THREE));
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/Stopped at QuotaExceededError: every other prompt would meet it too\./);
    expect(run.stderr).toMatch(/0 generated, 0 already done, [1-3] failed/);
  });

  it('refuses a bad prompts file before any request, naming the line and field', async () => {
    const file = await promptsFile('prompts.jsonl', '"a red fox"\n{"prompt": "a blue whale", "steps": 99}\nnot json\n');
    const run = await batch(file);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^pictor: error: invalid batch file: line 2\.steps: .*; line 3: is not valid JSON$/),
    ]);
    expect(sandbox.stats.requests).toBe(0);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing prompts file is a usage error', async () => {
    const run = await batch(join(dir.path, 'nope.jsonl'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pictor: error: cannot read .*nope\.jsonl: no such file$/m);
  });

  it('--json reports every prompt with its status and files', async () => {
    const file = await promptsFile('prompts.jsonl', THREE);
    await batch(file, ['--concurrency', '1']);
    await rm(join(out, (await readManifest(out)).entries.find((e) => e.prompt === 'a green frog')!.images[0]!.file));
    const run = await batch(file, ['--json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({
      total: 3,
      generated: 1,
      skipped: 2,
      failed: 0,
      aborted: false,
      failures: [],
      manifestPath: join(out, 'manifest.json'),
    });
    expect(doc.files).toHaveLength(3);
    expect(doc.prompts.map((p: { line: number; status: string }) => [p.line, p.status])).toEqual([
      [1, 'skipped'],
      [2, 'skipped'],
      [3, 'generated'],
    ]);
    for (const p of doc.prompts) expect(existsSync(p.files[0])).toBe(true);
  });

  describe('interrupted with Ctrl-C', () => {
    let slow: Sandbox;
    beforeAll(async () => {
      slow = await startSandbox({ port: 0, latencyMs: 400 });
    });
    afterAll(() => slow.close());

    it('exits 130 leaving finished images and a consistent manifest, and a rerun completes the rest', async () => {
      const prompts = Array.from({ length: 5 }, (_, i) => `"a slow prompt number ${i + 1}"`).join('\n');
      const file = await promptsFile('prompts.jsonl', prompts);
      const child = spawnPictor([
        'batch',
        file,
        '--provider',
        'sandbox',
        '--base-url',
        slow.urls.together,
        '--out',
        out,
        '--concurrency',
        '1',
      ]);
      const done = collect(child);
      await new Promise<void>((resolve) => {
        let seen = '';
        child.stderr.on('data', (chunk: string) => {
          seen += chunk;
          if (seen.includes('[1/5] saved')) resolve();
        });
      });
      child.kill('SIGINT');
      const run = await done;
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/pictor: interrupted/);
      expect(run.stderr).toMatch(/Interrupted: 5 prompts, \d generated, 0 already done, 0 failed, \d not started/);

      const manifest = await readManifest(out);
      const saved = manifest.entries.length;
      expect(saved).toBeGreaterThanOrEqual(1);
      expect(saved).toBeLessThan(5);
      for (const entry of manifest.entries) {
        for (const image of entry.images) {
          const bytes = await readFile(join(out, image.file));
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(image.sha256);
        }
      }
      const names = await readdir(out);
      expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
      expect(names.filter((n) => n !== 'manifest.json')).toHaveLength(saved);

      const rerun = await runPictor([
        'batch',
        file,
        '--provider',
        'sandbox',
        '--base-url',
        slow.urls.together,
        '--out',
        out,
        '--concurrency',
        '2',
      ]);
      expect(rerun.code).toBe(0);
      expect(rerun.stderr).toMatch(new RegExp(`${5 - saved} generated, ${saved} already done, 0 failed`));
      expect((await readManifest(out)).entries).toHaveLength(5);
    });
  });
});

describe('pictor batch on a terminal', () => {
  it('draws a progress bar on stderr instead of one line per prompt', async () => {
    const file = await promptsFile('prompts.txt', 'a red fox\na blue whale\na green frog\n');
    const args = [
      process.execPath,
      BIN,
      'batch',
      file,
      '--provider',
      'sandbox',
      '--base-url',
      sandbox.urls.together,
      '--out',
      out,
    ];
    // `script` runs the command on a pseudo-terminal, as an interactive shell would.
    const run = await collect(
      spawn('script', ['-qec', args.map((a) => `'${a}'`).join(' '), '/dev/null'], { env: cleanEnv(), stdio: 'pipe' }),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/[█░]{20} 3\/3 \| 3 new, 0 skipped, 0 failed/);
    expect(run.stdout).not.toMatch(/\[1\/3\] saved/);
    expect(run.stdout).toMatch(/Done: 3 prompts, 3 generated/);
  });
});
