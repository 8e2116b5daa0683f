import { normalizeRequest } from '../request/image-request.js';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { togetherBody } from '../__fixtures__/images-response.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { createPictorClient } from '../client/node-client.js';
import type { PictorClient } from '../client/client.js';
import { ValidationError } from '../errors/index.js';
import { readManifest } from '../storage/manifest.js';
import { parseBatchFile } from './parse-batch-file.js';
import { runBatch } from './run-batch.js';

let dir: string;
let server: TestServer;
let client: PictorClient;
let failPrompt = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-batch-'));
  server = await startTestServer((req, res) => {
    const body = JSON.parse(req.body) as { n: number; prompt: string; seed?: number };
    if (body.prompt === failPrompt)
      return sendJson(res, 400, { error: { message: 'prompt refused', type: 'invalid_request_error' } });
    sendJson(res, 200, togetherBody(body.n, 8, 8, body.seed ?? 0));
  });
  client = createPictorClient({ provider: 'sandbox', baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterEach(async () => {
  failPrompt = '';
  await client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('parseBatchFile', () => {
  it('reads JSONL, YAML with defaults, and plain text', () => {
    expect(parseBatchFile('"a cat"\n\n# comment\n{"prompt":"a dog","n":2,"fileName":"dog"}\n', 'jsonl')).toEqual([
      { line: 1, request: normalizeRequest({ prompt: 'a cat' }) },
      { line: 4, request: normalizeRequest({ prompt: 'a dog', n: 2 }), fileName: 'dog' },
    ]);
    const yaml = 'defaults:\n  seed: 1\n  aspectRatio: "16:9"\nprompts:\n  - a cat\n  - prompt: a dog\n    seed: 2\n';
    expect(parseBatchFile(yaml, 'yaml').map((j) => j.request)).toEqual(
      [
        { seed: 1, aspectRatio: '16:9', prompt: 'a cat' },
        { seed: 2, aspectRatio: '16:9', prompt: 'a dog' },
      ].map(normalizeRequest),
    );
    expect(parseBatchFile('one\ntwo\n', 'text', { n: 3 }).map((j) => j.request)).toEqual(
      [
        { n: 3, prompt: 'one' },
        { n: 3, prompt: 'two' },
      ].map(normalizeRequest),
    );
  });

  it('names every bad line and field', () => {
    try {
      parseBatchFile('{"prompt":"ok"}\n{"prompt":"x","steps":99}\nnot json\n{"n":2}\n', 'jsonl');
      expect.unreachable();
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).fields).toEqual(['line 2.steps', 'line 3', 'line 4.prompt']);
    }
  });
});

describe('runBatch', () => {
  const jobs = () =>
    parseBatchFile('{"prompt":"a cat","seed":1}\n{"prompt":"a dog","n":2,"seed":5}\n{"prompt":"a bird"}\n', 'jsonl');

  it('generates every prompt, then a rerun generates nothing', async () => {
    const first = await runBatch({ client, jobs: jobs(), outDir: dir });
    expect(first).toMatchObject({ total: 3, generated: 3, skipped: 0, failed: 0 });
    expect(first.files).toHaveLength(4);
    expect(server.requests).toHaveLength(3);
    const second = await runBatch({ client, jobs: jobs(), outDir: dir });
    expect(second).toMatchObject({ generated: 0, skipped: 3 });
    expect(second.files).toEqual(first.files);
    expect(server.requests).toHaveLength(3);
  });

  it('regenerates only the prompt whose file went missing', async () => {
    const first = await runBatch({ client, jobs: jobs(), outDir: dir });
    await rm(first.files[1]!);
    const again = await runBatch({ client, jobs: jobs(), outDir: dir });
    expect(again).toMatchObject({ generated: 1, skipped: 2 });
    expect(JSON.parse(server.requests.at(-1)!.body).prompt).toBe('a dog');
  });

  it('validates every job before the first request', async () => {
    const bad = [...jobs(), { line: 9, request: { prompt: 'x', steps: 0 } }];
    await expect(runBatch({ client, jobs: bad, outDir: dir })).rejects.toThrow(/line 9\.steps/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a file-name pattern that cannot name a file before the first request', async () => {
    const error = await runBatch({ client, jobs: jobs(), outDir: dir, fileName: 'x'.repeat(300) }).catch(
      (e: unknown) => e,
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields).toEqual(['fileName']);
    expect(server.requests).toHaveLength(0);
  });

  it('gives every prompt its outcome: generated, failed, in job order', async () => {
    failPrompt = 'a dog';
    const report = await runBatch({ client, jobs: jobs(), outDir: dir });
    expect(report.outcomes.map((o) => [o.line, o.status, o.images.length, o.error?.name])).toEqual([
      [1, 'generated', 1, undefined],
      [2, 'failed', 0, 'BadRequestError'],
      [3, 'generated', 1, undefined],
    ]);
    expect(report.files).toEqual(report.outcomes.flatMap((o) => o.images.map((i) => i.path)));
    const rerun = await runBatch({ client, jobs: jobs(), outDir: dir });
    expect(rerun.outcomes.map((o) => o.status)).toEqual(['skipped', 'failed', 'skipped']);
  });

  it('reports a failing prompt and keeps the others', async () => {
    failPrompt = 'a dog';
    const events: string[] = [];
    const report = await runBatch({
      client,
      jobs: jobs(),
      outDir: dir,
      onEvent: (e) => events.push(`${e.type}:${e.job.line}`),
    });
    expect(report).toMatchObject({ generated: 2, failed: 1 });
    expect(report.failures.map((f) => [f.line, f.error.name])).toEqual([[2, 'BadRequestError']]);
    expect(events.sort()).toEqual(['failed:2', 'saved:1', 'saved:3']);
    expect((await readManifest(dir)).entries.map((e) => e.prompt).sort()).toEqual(['a bird', 'a cat']);
  });

  it('stops starting prompts when aborted and leaves a manifest that matches the files', async () => {
    const controller = new AbortController();
    const many = parseBatchFile(Array.from({ length: 8 }, (_, i) => `prompt ${i}`).join('\n'), 'text');
    const report = await runBatch({
      client,
      jobs: many,
      outDir: dir,
      concurrency: 1,
      onEvent: (e) => e.type === 'saved' && e.job.line === 2 && controller.abort(),
      signal: controller.signal,
    });
    expect(report.aborted).toBe(true);
    expect(report.generated).toBe(2);
    expect(report.notStarted).toBe(6);
    const manifest = await readManifest(dir);
    const onDisk = (await readdir(dir)).filter((f) => f !== 'manifest.json').sort();
    expect(manifest.entries.flatMap((e) => e.images.map((i) => i.file)).sort()).toEqual(onDisk);
  });

  it('stops at a wrong key: what was not sent yet is not sent, and the report names the error', async () => {
    failPrompt = '';
    const refusing = await startTestServer((_req, res) =>
      sendJson(res, 401, { error: { message: 'Invalid API key', type: 'invalid_api_key' } }),
    );
    const keyed = createPictorClient({ provider: 'sandbox', baseURL: `${refusing.url}/v1`, apiKey: 'wrong' });
    try {
      const many = parseBatchFile(Array.from({ length: 30 }, (_, i) => `prompt ${i}`).join('\n'), 'text');
      const report = await runBatch({ client: keyed, jobs: many, outDir: dir });
      expect(report.stoppedBy?.name).toBe('AuthenticationError');
      expect(report.aborted).toBe(false); // stopped by the batch itself, not by its caller
      // Only the calls the client let out before the first answer (its adaptive limit starts at 4) were sent.
      expect(refusing.requests.length).toBeLessThanOrEqual(4);
      expect(report.failed + report.notStarted).toBe(30);
      expect(report.notStarted).toBeGreaterThanOrEqual(26);
    } finally {
      await keyed.close();
      await refusing.close();
    }
  });
});

describe('runBatch edits and budgets', () => {
  const jobs = (...prompts: string[]) =>
    prompts.map((prompt, i) => ({ line: i + 1, request: normalizeRequest({ prompt }) }));

  it('edits the same inputs with every prompt, and resumes only while the inputs are the same', async () => {
    const { makePng } = await import('../__fixtures__/make-png.js');
    const first = makePng(16, 16, 1);
    const edit = (image: Buffer) =>
      runBatch({ client, jobs: jobs('dusk', 'dawn'), outDir: dir, edit: { images: [image] } });

    const made = await edit(first);
    expect(made.generated).toBe(2);
    const sent = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(sent.map((b) => [b.model, b.image_url])).toEqual([
      ['black-forest-labs/FLUX.2-pro', `data:image/png;base64,${first.toString('base64')}`],
      ['black-forest-labs/FLUX.2-pro', `data:image/png;base64,${first.toString('base64')}`],
    ]);
    const entry = (await readManifest(dir)).entries[0]!;
    expect(entry).toMatchObject({ operation: 'edit', inputs: [{ index: 0, mediaType: 'image/png', width: 16 }] });

    expect((await edit(first)).skipped).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect((await edit(makePng(16, 16, 2))).generated).toBe(2);
    expect(server.requests).toHaveLength(4);
  });

  it('stops at its budget: the prompts that fit are saved, the rest fail with the typed error, none over it is sent', async () => {
    // FLUX.1 [schnell] at 1024×1024: 1.048576 MP × $0.0027 = $0.00283 a prompt; $0.006 pays for two.
    const report = await runBatch({ client, jobs: jobs('a', 'b', 'c'), outDir: dir, maxCost: 0.006, concurrency: 1 });
    expect([report.generated, report.failed]).toEqual([2, 1]);
    expect(report.failures[0]!.error.name).toBe('BudgetExceededError');
    expect(server.requests).toHaveLength(2);
    expect((await readManifest(dir)).entries).toHaveLength(2);
  });
});
