import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { describeImage } from '../images/describe-image.js';
import type { GenerateResult } from '../client/generate-images.js';
import { GeneratedImage } from '../images/generated-image.js';
import { normalizeRequest } from '../request/image-request.js';
import { findCompleteEntry, readManifest, requestKey } from './manifest.js';
import { saveImages } from './save-images.js';
import { ServiceUnavailableError } from '../errors/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-save-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function result(prompt: string, count: number, extra: Partial<GenerateResult> = {}): GenerateResult {
  const request = normalizeRequest({ prompt, n: count, seed: 9, aspectRatio: '1:1' });
  return {
    operation: 'generate',
    provider: 'together',
    model: 'black-forest-labs/FLUX.1-schnell',
    prompt,
    request,
    images: Array.from({ length: count }, (_, index) => {
      const bytes = makePng(6, 4, index);
      return new GeneratedImage({ index, bytes, ...describeImage(bytes), seed: 9 });
    }),
    failures: [],
    warnings: [],
    calls: [],
    usage: undefined,
    cost: { usd: undefined, basis: 'unknown' },
    ...extra,
  };
}

describe('saveImages', () => {
  it('writes each image with its extension and records a manifest', async () => {
    const saved = await saveImages(result('A Lighthouse at Dusk!', 2), dir);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([saved.images[0]!.file, saved.images[1]!.file, 'manifest.json'].sort());
    expect(saved.images[0]!.file).toMatch(/^a-lighthouse-at-dusk-[0-9a-f]{8}-0\.png$/);
    expect(await readFile(saved.images[1]!.path)).toEqual(makePng(6, 4, 1));
    const manifest = await readManifest(dir);
    expect(manifest.entries).toHaveLength(1);
    expect(manifest.entries[0]).toMatchObject({
      prompt: 'A Lighthouse at Dusk!',
      provider: 'together',
      model: 'black-forest-labs/FLUX.1-schnell',
      parameters: { n: 2, seed: 9, width: 1024, height: 1024, aspectRatio: '1:1' },
    });
    expect(manifest.entries[0]!.images[0]).toMatchObject({
      index: 0,
      seed: 9,
      mediaType: 'image/png',
      width: 6,
      height: 4,
      sha256: saved.images[0]!.sha256,
    });
  });

  it('keys a streamed request like the same request without streaming', () => {
    const plain = normalizeRequest({ prompt: 'p', n: 2 });
    const streamed = normalizeRequest({ prompt: 'p', n: 2, partialImages: 2 });
    expect(requestKey('openai', 'gpt-image-2', streamed)).toBe(requestKey('openai', 'gpt-image-2', plain));
  });

  it("records an edit's inputs by hash under a key of its own, and the cost", async () => {
    const inputs = [{ index: 0, mediaType: 'image/png', byteLength: 10, width: 6, height: 4, sha256: 'a'.repeat(64) }];
    const plain = await saveImages(result('same prompt', 1), dir);
    const edited = await saveImages(
      result('same prompt', 1, { operation: 'edit', inputs, cost: { usd: 0.04, basis: 'estimate' } }),
      dir,
    );
    const changed = await saveImages(
      result('same prompt', 1, { operation: 'edit', inputs: [{ ...inputs[0]!, sha256: 'b'.repeat(64) }] }),
      dir,
    );
    expect(new Set([plain.key, edited.key, changed.key]).size).toBe(3);
    const entry = (await readManifest(dir)).entries.find((e) => e.key === edited.key)!;
    expect(entry).toMatchObject({ operation: 'edit', inputs, cost: { usd: 0.04, basis: 'estimate' } });
    expect(JSON.stringify(entry)).not.toMatch(/"bytes":\s*\{/);
  });

  it('never overwrites a file of another request or of the user when a pattern names them alike', async () => {
    await writeFile(join(dir, 'shot-0.png'), 'the user’s own file');
    const saved = await Promise.all(
      ['a red fox', 'a blue whale'].map((p) => saveImages(result(p, 1), dir, { fileName: 'shot' })),
    );
    expect(saved.map((s) => s.images[0]!.file).sort()).toEqual(['shot-0-2.png', 'shot-0-3.png']);
    expect(await readFile(join(dir, 'shot-0.png'), 'utf8')).toBe('the user’s own file');
    // Saving the same request again rewrites its own file rather than adding another.
    const again = await saveImages(result('a red fox', 1), dir, { fileName: 'shot' });
    expect(again.images[0]!.file).toBe(saved[0]!.images[0]!.file);
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'shot-0-2.png', 'shot-0-3.png', 'shot-0.png']);
  });

  it('leaves no temporary files and keeps entries of several concurrent saves', async () => {
    await Promise.all(['one', 'two', 'three', 'four'].map((p) => saveImages(result(p, 1), dir)));
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await readManifest(dir)).entries.map((e) => e.prompt).sort()).toEqual(['four', 'one', 'three', 'two']);
  });

  it('records failed images by index', async () => {
    const failed = result('x', 1, {
      failures: [{ index: 1, error: new ServiceUnavailableError({ status: 503, providerMessage: 'down' }) }],
    });
    const saved = await saveImages(failed, dir);
    expect(saved.entry.failures).toEqual([{ index: 1, error: '503 Service Unavailable: down' }]);
    expect(await findCompleteEntry(dir, saved.key)).toBeUndefined();
  });

  it('tells a later run which request already has its images', async () => {
    const r = result('x', 2);
    const saved = await saveImages(r, dir);
    const key = requestKey(
      'together',
      'black-forest-labs/FLUX.1-schnell',
      normalizeRequest({ prompt: 'x', n: 2, seed: 9, aspectRatio: '1:1' }),
    );
    expect(key).toBe(saved.key);
    expect((await findCompleteEntry(dir, key))?.images).toHaveLength(2);
    expect(
      requestKey(
        'together',
        'black-forest-labs/FLUX.1-schnell',
        normalizeRequest({ prompt: 'x', n: 2, seed: 10, aspectRatio: '1:1' }),
      ),
    ).not.toBe(key);
    await rm(saved.images[1]!.path);
    expect(await findCompleteEntry(dir, key)).toBeUndefined();
    await writeFile(saved.images[1]!.path, 'truncated');
    expect(await findCompleteEntry(dir, key)).toBeUndefined();
  });

  it('refuses to overwrite a corrupt manifest', async () => {
    await writeFile(join(dir, 'manifest.json'), '{ not json');
    await expect(saveImages(result('x', 1), dir)).rejects.toThrow(/not a Pictor manifest/);
  });

  it('fills file-name patterns and never lets images of one request collide', async () => {
    const saved = await saveImages(result('cat', 2), dir, { fileName: 'img-{seed}' });
    expect(saved.images.map((i) => i.file)).toEqual(['img-9-0.png', 'img-9-1.png']);
    const nested = await saveImages(result('dog', 1), dir, { fileName: '../escape/{slug}' });
    expect(nested.images[0]!.file).not.toContain('/');
  });
});
