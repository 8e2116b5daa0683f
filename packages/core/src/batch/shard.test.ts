import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { togetherBody } from '../__fixtures__/images-response.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import type { PictorClient } from '../client/client.js';
import { createPictorClient } from '../client/node-client.js';
import { ValidationError } from '../errors/index.js';
import { readManifest } from '../storage/manifest.js';
import { parseBatchFile } from './parse-batch-file.js';
import { runBatch } from './run-batch.js';
import { inShard, jobsInShard, parseShard } from './shard.js';

let dir: string;
let server: TestServer;
let client: PictorClient;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-shard-'));
  server = await startTestServer((req, res) => {
    const body = JSON.parse(req.body) as { n: number; seed?: number };
    sendJson(res, 200, togetherBody(body.n, 8, 8, body.seed ?? 0));
  });
  client = createPictorClient({ provider: 'sandbox', baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterEach(async () => {
  await client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const PROMPTS = Array.from({ length: 40 }, (_, i) => `prompt number ${i + 1}`);
const jobs = () => parseBatchFile(`${PROMPTS.join('\n')}\n`, 'text', { seed: 3 });
const promptOf = (body: string): string => (JSON.parse(body) as { prompt: string }).prompt;

describe('parseShard', () => {
  it('reads i/n, 1-based', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, total: 1 });
    expect(parseShard('4/4')).toEqual({ index: 4, total: 4 });
  });

  it.each(['0/4', '5/4', 'x/y', '1/0', '', '2', '2/4/6', '-1/4', '1.5/4'])('refuses %j naming shard', (text) => {
    try {
      parseShard(text);
      expect.unreachable();
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).fields).toEqual(['shard']);
      expect((error as Error).message).toContain(JSON.stringify(text));
    }
  });
});

describe('inShard', () => {
  it('puts each key in exactly one of n shards, by its first 8 hex digits', () => {
    const key = '0000000a' + 'f'.repeat(56); // 10: 10 % 4 = 2, the third of four
    expect([1, 2, 3, 4].filter((index) => inShard(key, { index, total: 4 }))).toEqual([3]);
    expect(inShard(key, { index: 1, total: 1 })).toBe(true);
  });
});

describe('runBatch({ shard })', () => {
  it('four shards over 40 prompts make every prompt once, each shard only its share, stably', async () => {
    const made: string[][] = [];
    for (const index of [1, 2, 3, 4]) {
      const before = server.requests.length;
      const report = await runBatch({ client, jobs: jobs(), outDir: dir, shard: `${index}/4` });
      const sent = server.requests.slice(before).map((r) => promptOf(r.body));
      // The report is about this share: its prompts, and how many went to the others.
      expect(report.shard).toEqual({ index, total: 4 });
      expect(report.total).toBe(sent.length);
      expect(report.otherShards).toBe(40 - sent.length);
      expect(report.generated).toBe(sent.length);
      expect(report.outcomes.map((o) => o.prompt).sort()).toEqual([...sent].sort());
      // The same prompts as jobsInShard (what a dry run or a progress bar counts).
      const planned = jobsInShard({ client, jobs: jobs(), shard: { index, total: 4 } });
      expect(planned.map((j) => j.request.prompt)).toEqual(report.outcomes.map((o) => o.prompt));
      made.push(sent);
    }
    const all = made.flat();
    expect(all).toHaveLength(40);
    expect(new Set(all).size).toBe(40);
    expect([...all].sort()).toEqual([...PROMPTS].sort());
    // 40 keys over 4 shares: none is empty (a split that sent everything to one machine would be no split).
    for (const share of made) expect(share.length).toBeGreaterThan(0);
    expect((await readManifest(dir)).entries).toHaveLength(40);

    // Stable: the same shares on a rerun (each one finds its prompts done), and with the file reordered.
    for (const [i, index] of [1, 2, 3, 4].entries()) {
      const reordered = parseBatchFile(`${[...PROMPTS].reverse().join('\n')}\n`, 'text', { seed: 3 });
      const again = jobsInShard({ client, jobs: reordered, shard: `${index}/4` }).map((j) => j.request.prompt);
      expect(again.sort()).toEqual([...made[i]!].sort());
      const rerun = await runBatch({ client, jobs: jobs(), outDir: dir, shard: `${index}/4` });
      expect(rerun).toMatchObject({ generated: 0, skipped: made[i]!.length, total: made[i]!.length });
    }
    expect(server.requests).toHaveLength(40);
  });

  it('refuses a bad shard before any request, naming shard', async () => {
    await expect(runBatch({ client, jobs: jobs(), outDir: dir, shard: '5/4' })).rejects.toMatchObject({
      fields: ['shard'],
    });
    await expect(runBatch({ client, jobs: jobs(), outDir: dir, shard: { index: 0, total: 2 } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('without a shard, runs every prompt and reports no other shard', async () => {
    const report = await runBatch({ client, jobs: jobs().slice(0, 3), outDir: dir });
    expect(report).toMatchObject({ total: 3, generated: 3, shard: undefined, otherShards: 0 });
  });
});

describe('jobsInShard with an edit', () => {
  it("plans the same share runBatch edits: the inputs' hashes are part of the key", async () => {
    const { makePng } = await import('../__fixtures__/make-png.js');
    const image = makePng(16, 16, 1);
    const edit = { images: [{ bytes: image, name: 'photo.png' }] };
    const all = jobs().slice(0, 12);
    for (const index of [1, 2, 3]) {
      const planned = jobsInShard({ client, jobs: all, shard: `${index}/3`, edit }).map((j) => j.request.prompt);
      const report = await runBatch({ client, jobs: all, outDir: dir, shard: `${index}/3`, edit });
      expect(report.outcomes.map((o) => o.prompt)).toEqual(planned);
    }
    expect(server.requests).toHaveLength(12);
    // Another input image is another set of keys, so (almost surely) another split of the same prompts.
    const other = { images: [{ bytes: makePng(16, 16, 2), name: 'photo.png' }] };
    const split = (e: typeof edit) =>
      [1, 2, 3].map((index) => jobsInShard({ client, jobs: all, shard: `${index}/3`, edit: e }).length);
    expect(split(other)).not.toEqual(split(edit));
  });
});
