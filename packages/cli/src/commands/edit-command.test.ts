import { describeImage } from '@pictor/core';
import { readManifest } from '@pictor/core/storage';
import { renderImage, startSandbox, type Sandbox } from '@pictor/sandbox';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lines, runPictor, tempDir } from '../__fixtures__/run-pictor.js';

const KEY = 'sk-cli-edit-test-0000';

let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };
let inputs: { path: string; remove: () => Promise<void> };
let photo: string;
let other: string;
let mask: string;
let notes: string;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  inputs = await tempDir('pictor-cli-inputs-');
  const render = (prompt: string, transparent = false) =>
    renderImage({ prompt, seed: 1, index: 0, width: 512, height: 512, format: 'png', transparent });
  photo = join(inputs.path, 'photo.png');
  other = join(inputs.path, 'other.png');
  mask = join(inputs.path, 'mask.png');
  await writeFile(photo, await render('a green meadow under a blue sky'));
  await writeFile(other, await render('a red barn at night'));
  await writeFile(mask, await render('a round window', true));
  notes = join(inputs.path, 'notes.txt');
  await writeFile(notes, 'these are notes, not a picture\n');
});
afterAll(async () => {
  await sandbox.close();
  await inputs.remove();
});
beforeEach(async () => {
  sandbox.setFaults(undefined);
  sandbox.stats.reset();
  dir = await tempDir();
});
afterEach(() => dir.remove());

/** `pictor <command> …args` against the test sandbox's OpenAI stand-in, writing into `out`. */
function pictor(command: 'edit' | 'generate', args: string[], out = dir.path) {
  return runPictor(
    [command, ...args, '--provider', 'openai', '--base-url', sandbox.urls.openai, '--out', out, '--json'],
    { env: { OPENAI_API_KEY: KEY } },
  );
}

interface JsonImage {
  path: string;
  sha256: string;
  width: number;
  height: number;
  mediaType: string;
}
interface JsonDoc {
  images: JsonImage[];
  inputs: Array<{ index: number; sha256?: string; width?: number; height?: number; mediaType?: string }>;
  mask: { sha256?: string; width?: number } | null;
  prompt: string;
  manifestPath: string;
}

function parse(stdout: string): JsonDoc {
  return JSON.parse(stdout) as JsonDoc;
}

describe('pictor edit', () => {
  it('edits one image: an output of the requested size, derived from the input (not a plain generation)', async () => {
    const prompt = 'make it a watercolour';
    const run = await pictor('edit', [photo, prompt, '--size', '1024x1024']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/warning|error/);
    const doc = parse(run.stdout);
    expect(doc.prompt).toBe(prompt);
    expect(doc.images).toHaveLength(1);
    const edited = await readFile(doc.images[0]!.path);
    expect(describeImage(edited)).toMatchObject({ width: 1024, height: 1024, sha256: doc.images[0]!.sha256 });
    expect(doc.inputs).toEqual([
      expect.objectContaining({
        index: 0,
        sha256: sha256(await readFile(photo)),
        width: 512,
        height: 512,
        mediaType: 'image/png',
      }),
    ]);
    expect(sandbox.stats.edits.openai).toBe(1);
    expect(sandbox.stats.generations.openai ?? 0).toBe(0);

    // The same prompt and size, generated: other bytes. The same prompt on another input: other bytes too.
    const generated = await tempDir();
    const otherOut = await tempDir();
    try {
      const plain = await pictor('generate', [prompt, '--size', '1024x1024'], generated.path);
      expect(plain.code, plain.stderr).toBe(0);
      const plainImage = parse(plain.stdout).images[0]!;
      expect([plainImage.width, plainImage.height]).toEqual([1024, 1024]);
      expect(plainImage.sha256).not.toBe(doc.images[0]!.sha256);

      const fromOther = await pictor('edit', [other, prompt, '--size', '1024x1024'], otherOut.path);
      expect(fromOther.code, fromOther.stderr).toBe(0);
      expect(parse(fromOther.stdout).images[0]!.sha256).not.toBe(doc.images[0]!.sha256);
    } finally {
      await generated.remove();
      await otherOut.remove();
    }

    const [entry] = (await readManifest(dir.path)).entries;
    expect(entry).toMatchObject({ prompt, provider: 'openai' });
    expect(entry!.images.map((i) => i.sha256)).toEqual([doc.images[0]!.sha256]);
  });

  it('edits two images with a mask: the mask changes the output, the inputs are recorded by hash', async () => {
    const prompt = 'a round window onto the sea';
    const unmasked = await tempDir();
    try {
      const run = await pictor('edit', [photo, other, prompt, '--mask', mask, '-n', '2', '--input-fidelity', 'high']);
      expect(run.code, run.stderr).toBe(0);
      const doc = parse(run.stdout);
      expect(doc.images).toHaveLength(2);
      for (const image of doc.images) {
        expect(describeImage(await readFile(image.path))).toMatchObject({ sha256: image.sha256 });
      }
      expect(doc.inputs.map((i) => i.sha256)).toEqual([sha256(await readFile(photo)), sha256(await readFile(other))]);
      expect(doc.mask).toMatchObject({ sha256: sha256(await readFile(mask)), width: 512 });
      expect(sandbox.stats.edits.openai).toBe(1);

      const plain = await pictor('edit', [photo, other, prompt, '-n', '2', '--input-fidelity', 'high'], unmasked.path);
      expect(plain.code, plain.stderr).toBe(0);
      expect(parse(plain.stdout).images[0]!.sha256).not.toBe(doc.images[0]!.sha256);
      expect(parse(plain.stdout).mask).toBeNull();

      // The manifest records what was edited by hash, never the bytes.
      const manifest = await readFile(doc.manifestPath, 'utf8');
      expect(manifest.length).toBeLessThan(20_000);
      expect(lines(run.stderr).filter((l) => l.startsWith('pictor:'))).toEqual([]);
    } finally {
      await unmasked.remove();
    }
  });

  it("edits through Together's stand-in too: two references to its default edit model, on /images/generations", async () => {
    const run = await runPictor([
      'edit',
      photo,
      other,
      'the barn in the meadow',
      '--provider',
      'sandbox',
      '--base-url',
      sandbox.urls.together,
      '--out',
      dir.path,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const doc = parse(run.stdout) as JsonDoc & { provider: string; model: string; operation: string };
    expect(doc).toMatchObject({ provider: 'sandbox', operation: 'edit', model: expect.stringMatching(/FLUX/) });
    expect(doc.inputs).toHaveLength(2);
    expect(sandbox.stats.generations.together).toBe(1);
    expect(sandbox.stats.edits.openai ?? 0).toBe(0);
  });

  it('takes an http(s) URL as an input: sent for the provider to fetch, recorded as the URL', async () => {
    // A URL the sandbox issued (it fetches nothing else): a Together generation's URL item.
    const answer = await fetch(`${sandbox.urls.together}/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'black-forest-labs/FLUX.1-schnell', prompt: 'a red barn', response_format: 'url' }),
    });
    const url = ((await answer.json()) as { data: Array<{ url: string }> }).data[0]!.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
    sandbox.stats.reset();

    const run = await pictor('edit', [url, 'make it snowy']);
    expect(run.code, run.stderr).toBe(0);
    const doc = parse(run.stdout);
    expect(doc.inputs).toEqual([{ index: 0, url }]);
    expect(doc.images).toHaveLength(1);
    expect(sandbox.stats.edits.openai).toBe(1);
  });

  it('prints one path per image and a summary without --json, like generate', async () => {
    const run = await runPictor(
      [
        'edit',
        photo,
        'in autumn colours',
        '--provider',
        'openai',
        '--base-url',
        sandbox.urls.openai,
        '--out',
        dir.path,
      ],
      { env: { OPENAI_API_KEY: KEY } },
    );
    expect(run.code, run.stderr).toBe(0);
    const printed = lines(run.stdout);
    expect(printed).toHaveLength(1);
    expect((await readdir(dir.path)).sort()).toEqual([printed[0]!.split('/').pop(), 'manifest.json'].sort());
    expect(run.stderr).toMatch(/^Saved 1 image from OpenAI \(gpt-image-2, 1024x1024\)/m);
  });

  it('with no key and no provider, edits with the embedded sandbox', async () => {
    const run = await runPictor(['edit', photo, 'as a pencil sketch', '--out', dir.path]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^No API key found: using the offline Pictor sandbox/m);
    const [path] = lines(run.stdout);
    expect(describeImage(await readFile(path!)).mediaType).toBe('image/png');
  });

  describe('refuses bad input with exit 2, naming the argument, before any request', () => {
    it.each([
      ['a missing file', () => [join(inputs.path, 'missing.png'), 'a prompt'], /image 1 \(.*missing\.png\)/],
      ['a file that is not an image', () => [notes, 'a prompt'], /image 1 \(.*notes\.txt\): .*not/],
      ['the second image missing', () => [photo, join(inputs.path, 'gone.jpg'), 'a prompt'], /image 2 \(.*gone\.jpg\)/],
      [
        'a missing mask',
        () => [photo, 'a prompt', '--mask', join(inputs.path, 'no-mask.png')],
        /--mask .*no-mask\.png/,
      ],
      [
        'two images for dall-e-2',
        () => [photo, other, 'a prompt', '--model', 'dall-e-2'],
        /<image>\.\.\.: dall-e-2 .*1/,
      ],
    ])('%s', async (_name, args, named) => {
      const run = await pictor('edit', args());
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^pictor: error: invalid request: /m);
      expect(run.stderr).toMatch(named);
      expect(JSON.parse(run.stdout)).toMatchObject({ error: { exitCode: 2 } });
      expect(sandbox.stats.requests).toBe(0);
      expect(await readdir(dir.path)).toEqual([]);
    });

    it('an image without a prompt', async () => {
      const run = await pictor('edit', [photo]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/edit needs at least one image and a prompt/);
      expect(sandbox.stats.requests).toBe(0);
    });
  });
});
