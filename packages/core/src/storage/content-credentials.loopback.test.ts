import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { withCaBX } from '../__fixtures__/c2pa.js';
import { makePng } from '../__fixtures__/make-png.js';
import { sendJson, startTestServer } from '../__fixtures__/test-server.js';
import { createPictorClient } from '../client/node-client.js';
import { readManifest } from './manifest.js';
import { saveImages } from './save-images.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0)) await done();
});

it('keeps C2PA content credentials byte for byte from the answer to the file, and the manifest says so', async () => {
  const signed = withCaBX(makePng(12, 8, 5));
  const server = await startTestServer((_req, res) =>
    sendJson(res, 200, { created: 1, data: [{ b64_json: signed.toString('base64') }] }),
  );
  const client = createPictorClient({
    provider: 'custom',
    dialect: 'openai',
    baseURL: server.url,
    model: 'gpt-image-2',
  });
  const dir = await mkdtemp(join(tmpdir(), 'pictor-c2pa-'));
  cleanup.push(
    () => server.close(),
    () => client.close(),
    () => rm(dir, { recursive: true, force: true }),
  );

  const result = await client.generate({ prompt: 'p' });
  expect(result.images[0]!.contentCredentials).toBe(true);
  const saved = await saveImages(result, dir);
  expect((await readFile(saved.images[0]!.path)).equals(signed)).toBe(true);
  expect((await readManifest(dir)).entries[0]!.images[0]).toMatchObject({ contentCredentials: true });
});
