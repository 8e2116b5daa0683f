import { hasContentCredentials } from '@pictor/core';
import { readManifest } from '@pictor/core/storage';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPictor, tempDir } from '../__fixtures__/run-pictor.js';

// Provenance through the built CLI: OpenAI's GPT image output carries C2PA content credentials (the sandbox's
// OpenAI stand-in adds them on request); generate → save → gallery must keep them byte for byte.

const KEY = 'sk-c2pa-test-0000';
let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  [sandbox, dir] = await Promise.all([startSandbox({ port: 0, contentCredentials: true }), tempDir()]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), dir?.remove()]);
});

it('keeps C2PA content credentials from the answer to the saved file, the manifest and the gallery', async () => {
  const out = join(dir.path, 'images');
  const run = await runPictor(
    [
      'generate',
      'a lighthouse at dusk',
      '--provider',
      'openai',
      '--base-url',
      sandbox.urls.openai,
      '--model',
      'gpt-image-2',
      '-n',
      '2',
      '--out',
      out,
      '--gallery',
      '--json',
    ],
    { env: { OPENAI_API_KEY: KEY } },
  );
  expect(run.code, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as { images: Array<{ path: string; sha256: string }> };
  expect(result.images).toHaveLength(2);

  const manifest = await readManifest(out);
  const linked = await readFile(join(out, 'index.html'), 'utf8');
  const embed = await runPictor(['gallery', out, '--embed']);
  expect(embed.code, embed.stderr).toBe(0);
  const embedded = await readFile(join(out, 'index.html'), 'utf8');
  for (const image of result.images) {
    const bytes = await readFile(image.path);
    expect(hasContentCredentials(bytes)).toBe(true);
    const recorded = manifest.entries[0]!.images.find((i) => i.sha256 === image.sha256);
    expect(recorded).toMatchObject({ contentCredentials: true });
    // The gallery shows the saved file itself, or (--embed) a data URI of its very bytes: credentials included.
    expect(linked).toContain(`src="${encodeURIComponent(recorded!.file)}"`);
    expect(embedded).toContain(`base64,${bytes.toString('base64')}"`);
  }
  expect(run.stdout).not.toContain(KEY);
});
