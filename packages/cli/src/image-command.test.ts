import { describeImage } from '@pictor/core';
import { readManifest } from '@pictor/core/storage';
import { renderImage, startSandbox, type Sandbox } from '@pictor/sandbox';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { collect, lines, runPictor, spawnPictor, tempDir } from './__fixtures__/run-pictor.js';

// Streaming and previews, shared by `generate` and `edit` (image-command.ts), through the built binary.

const KEY = 'sk-cli-stream-test-0000';
const PARTIAL_LINE = /^pictor: partial (\d)\/(\d) of image (\d)\/(\d) received \(\d+ KB\)$/;

let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };
let inputs: { path: string; remove: () => Promise<void> };
let photo: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  inputs = await tempDir('pictor-cli-inputs-');
  photo = join(inputs.path, 'photo.png');
  await writeFile(
    photo,
    await renderImage({ prompt: 'a quiet harbour', seed: 3, index: 0, width: 512, height: 512, format: 'png' }),
  );
});
afterAll(async () => {
  await sandbox.close();
  await inputs.remove();
});
beforeEach(async () => {
  sandbox.stats.reset();
  dir = await tempDir();
});
afterEach(() => dir.remove());

function openaiArgs(target: Sandbox = sandbox): string[] {
  return ['--provider', 'openai', '--base-url', target.urls.openai, '--out', dir.path];
}

const run = (args: string[]) => runPictor(args, { env: { OPENAI_API_KEY: KEY } });

interface JsonDoc {
  images: Array<{
    path: string;
    index: number;
    sha256: string;
    partials?: Array<{ path: string; file: string; partial: number; sha256: string; bytes: number }>;
  }>;
}

describe('--stream', () => {
  it('generate: one stderr line per preview, nothing but the JSON on stdout, only the finals saved', async () => {
    const result = await run(['generate', 'a koi pond', '-n', '2', '--stream', '--json', ...openaiArgs()]);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as JsonDoc; // stdout is exactly one JSON document
    expect(doc.images).toHaveLength(2);
    expect(doc.images[0]).not.toHaveProperty('partials');
    const previews = lines(result.stderr).map((l) => PARTIAL_LINE.exec(l));
    expect(previews.every(Boolean), result.stderr).toBe(true);
    // The default: 2 previews for each of the 2 images.
    expect(previews.map((m) => `${m![3]}:${m![1]}/${m![2]}`).sort()).toEqual(['1:1/2', '1:2/2', '2:1/2', '2:2/2']);
    expect((await readdir(dir.path)).sort()).toEqual(
      [...doc.images.map((i) => basename(i.path)), 'manifest.json'].sort(),
    );
    expect(sandbox.stats.generations.openai).toBe(2); // a stream carries one image
  });

  it('edit: --partial-images 1 streams one preview an image and saves the final edit', async () => {
    const result = await run(['edit', photo, 'at low tide', '--partial-images', '1', ...openaiArgs()]);
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stderr).filter((l) => PARTIAL_LINE.test(l))).toEqual([
      expect.stringMatching(/partial 1\/1 of image 1\/1/),
    ]);
    const [path] = lines(result.stdout);
    expect(describeImage(await readFile(path!)).mediaType).toBe('image/png');
    expect(await readdir(dir.path)).toHaveLength(2);
    expect(sandbox.stats.edits.openai).toBe(1);
  });

  it('--keep-partials writes each preview beside its final image and lists it in the JSON and the manifest', async () => {
    const result = await run([
      'generate',
      'a paper boat',
      '-n',
      '2',
      '--partial-images',
      '2',
      '--keep-partials',
      '--json',
      ...openaiArgs(),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as JsonDoc;
    const files = await readdir(dir.path);
    expect(files).toHaveLength(2 + 4 + 1);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const [entry] = (await readManifest(dir.path)).entries;
    for (const image of doc.images) {
      const stem = basename(image.path).replace(/\.png$/, '');
      expect(image.partials!.map((p) => p.file)).toEqual([`${stem}.partial-1.png`, `${stem}.partial-2.png`]);
      for (const partial of image.partials!) {
        const bytes = await readFile(partial.path);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(partial.sha256);
        expect(bytes.length).toBe(partial.bytes);
        expect(partial.sha256).not.toBe(image.sha256); // a preview, not the final image again
      }
      const recorded = entry!.images.find((i) => i.index === image.index) as unknown as {
        partials: Array<{ file: string; sha256: string }>;
      };
      expect(recorded.partials.map(({ file, sha256 }) => ({ file, sha256 }))).toEqual(
        image.partials!.map(({ file, sha256 }) => ({ file, sha256 })),
      );
    }
  });

  it('--keep-partials run twice rewrites its own previews rather than piling up new names', async () => {
    const args = ['generate', 'a paper crane', '--partial-images', '1', '--keep-partials', ...openaiArgs()];
    expect((await run(args)).code).toBe(0);
    const first = (await readdir(dir.path)).sort();
    const again = await run(args);
    expect(again.code, again.stderr).toBe(0);
    expect((await readdir(dir.path)).sort()).toEqual(first);
    expect(again.stderr).toMatch(/kept 1 preview \(\*\.partial-<k>\.\*\)/);
  });

  it('a model that does not stream: the warnings core gives, and a normal generation', async () => {
    const result = await runPictor([
      'generate',
      'a lighthouse',
      '--stream',
      '--provider',
      'sandbox',
      '--base-url',
      sandbox.urls.together,
      '--out',
      dir.path,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stderr).filter((l) => l.startsWith('pictor: warning:'))).toEqual([
      expect.stringMatching(/does not accept stream; it was not sent$/),
      expect.stringMatching(/does not accept partialImages; it was not sent$/),
    ]);
    expect(lines(result.stderr).filter((l) => l.includes('partial '))).toEqual([]);
    expect(lines(result.stdout)).toHaveLength(1);
  });

  it('refuses --partial-images out of 0-3 with exit 2 before anything is sent', async () => {
    const result = await run(['generate', 'a koi pond', '--partial-images', '4', ...openaiArgs()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--partial-images <n>' argument '4' is invalid\. must be between 0 and 3/);
    expect(sandbox.stats.requests).toBe(0);
  });

  it('Ctrl-C during a stream exits 130 and leaves no file, not even a preview', async () => {
    // Events of a stream are latencyMs / (previews + 1) apart: the first preview arrives at once, the rest later.
    const slow = await startSandbox({ port: 0, latencyMs: 30_000 });
    try {
      const child = spawnPictor(
        ['generate', 'a slow sunrise', '--partial-images', '3', '--keep-partials', ...openaiArgs(slow)],
        { env: { OPENAI_API_KEY: KEY } },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer | string) => (stderr += String(chunk)));
      const done = collect(child);
      await vi.waitFor(() => expect(stderr).toMatch(/partial 1\/3 of image 1\/1 received/), {
        timeout: 20_000,
        interval: 50,
      });
      child.kill('SIGINT');
      const result = await done;
      expect(result.code).toBe(130);
      expect(lines(result.stderr).slice(-2)).toEqual([
        expect.stringMatching(/^pictor: interrupted: cancelling the generation/),
        'Interrupted: no image was saved.',
      ]);
      expect(await readdir(dir.path)).toEqual([]);
      await vi.waitFor(() => expect(slow.stats.streamsCancelled).toBe(1), { timeout: 10_000, interval: 50 });
    } finally {
      await slow.close();
    }
  });
});
