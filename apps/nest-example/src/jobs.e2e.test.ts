import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { startRedisServer, type RedisServer } from '@pictor/queue/testing';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Env } from './env.js';
import { bootstrap } from './bootstrap.js';
import { bootstrapWorker } from './worker-bootstrap.js';

// The real HTTP app with a real redis-server on loopback (a fresh one per test) and the sandbox: POST /jobs
// queues, a BullMQ worker (in the app, or in a worker process) generates and saves, GET /jobs/:id reports.
const API_KEY = 'nest-jobs-e2e-key-3c9a51';
const APP_KEY = 'nest-jobs-e2e-app-key-77f0d2';

let sandbox: Sandbox;
let redis: RedisServer;
let outDir: string;
const running: INestApplicationContext[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.stats.reset();
  [redis, outDir] = await Promise.all([startRedisServer(), mkdtemp(join(tmpdir(), 'pictor-nest-jobs-'))]);
});
afterEach(async () => {
  for (const app of running.splice(0).reverse()) await app.close();
  await redis.stop();
  await rm(outDir, { recursive: true, force: true });
});

function env(overrides: Env = {}): Env {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    PICTOR_PROVIDER: 'together',
    PICTOR_BASE_URL: sandbox.urls.together,
    PICTOR_API_KEY: API_KEY,
    PICTOR_MAX_RETRIES: '0',
    PICTOR_REDIS_URL: redis.url,
    JOBS_OUT_DIR: outDir,
    THROTTLE_LIMIT: '100000', // the tests poll GET /jobs/:id
    ...overrides,
  };
}

async function boot(overrides: Env = {}) {
  const app = await bootstrap(env(overrides), { logger: false, abortOnError: false });
  running.push(app);
  return request(await app.getUrl());
}

interface JobBody {
  id: string;
  state: string;
  progress: { stage: string } | null;
  skipped: boolean | null;
  images: { index: number; file: string; url: string; width: number; height: number; mediaType: string }[];
  cost: { usd: number | null; basis: string } | null;
  failedReason: string | null;
}

/** Polls GET /jobs/:id until the job completed or failed (the test's timeout bounds the wait). */
async function settled(http: ReturnType<typeof request>, id: string, headers: Record<string, string> = {}) {
  for (;;) {
    const res = await http.get(`/jobs/${id}`).set(headers).expect(200);
    const body = res.body as JobBody;
    if (body.state === 'completed' || body.state === 'failed') return body;
    await sleep(25);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('POST /jobs and GET /jobs/:id', () => {
  it('queues a generation (202, Location), runs it in the app, and serves its images', async () => {
    const http = await boot();
    const body = { prompt: 'a lighthouse at dusk', n: 2, size: '256x256', seed: 9 };
    const posted = await http.post('/jobs').send(body).expect(202);
    const { id } = posted.body as { id: string; existing: boolean };
    expect(posted.body).toEqual({ id, existing: false, url: `/jobs/${id}` });
    expect(id).toMatch(/^pictor-[0-9a-f]{64}$/);
    expect(posted.headers.location).toBe(`/jobs/${id}`);

    const job = await settled(http, id);
    expect(job).toMatchObject({ id, state: 'completed', skipped: false, failedReason: null });
    expect(job.progress).toEqual({ stage: 'saved', images: 2 });
    expect(job.cost).toMatchObject({ basis: 'estimate' });
    expect(job.images.map((image) => [image.index, image.width, image.height])).toEqual([
      [0, 256, 256],
      [1, 256, 256],
    ]);
    for (const image of job.images) {
      expect(await exists(join(outDir, image.file))).toBe(true);
      const bytes = await http.get(image.url).expect(200);
      expect(bytes.headers['content-type']).toBe(image.mediaType);
      expect(Number(bytes.headers['content-length'])).toBeGreaterThan(0);
    }
    await http.get(`/jobs/${id}/images/2`).expect(404);

    // The same request again is the same job: nothing is generated twice.
    const again = await http.post('/jobs').send(body).expect(202);
    expect(again.body).toEqual({ id, existing: true, url: `/jobs/${id}` });
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it('answers 404 for an unknown job id and for an id that is not one', async () => {
    const http = await boot();
    const res = await http.get(`/jobs/pictor-${'0'.repeat(64)}`).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: `No job pictor-${'0'.repeat(64)}` });
    await http.get('/jobs/..%2F..%2Fetc').expect(404);
    await http.get(`/jobs/pictor-${'0'.repeat(64)}/images/0`).expect(404);
  });

  it('refuses a bad body with 400 naming each field, and queues nothing', async () => {
    const http = await boot();
    const res = await http.post('/jobs').send({ prompt: '', n: 99, model: 'x' }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const fields = (res.body as { fields: { field: string }[] }).fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['prompt', 'n', 'model']));
    await http.post('/jobs').set('content-type', 'text/plain').send('{"prompt":"a fox"}').expect(415);
    expect(sandbox.stats.requests).toBe(0);
    // nothing reached Redis: the valid request is a new job
    expect((await http.post('/jobs').send({ prompt: 'a fox', size: '256x256' }).expect(202)).body.existing).toBe(false);
  });

  it("keeps the app's guards on the job routes: the API key, the throttler and loopback names", async () => {
    const keyed = await boot({ APP_API_KEY: APP_KEY, THROTTLE_GENERATE_LIMIT: '2', THROTTLE_TTL_SECONDS: '3600' });
    await keyed.post('/jobs').send({ prompt: 'a fox', size: '256x256' }).expect(401);
    const { id } = (
      await keyed.post('/jobs').set('x-api-key', APP_KEY).send({ prompt: 'a fox', size: '256x256' }).expect(202)
    ).body as { id: string };
    await keyed.get(`/jobs/${id}`).expect(401);
    expect((await settled(keyed, id, { 'x-api-key': APP_KEY })).state).toBe('completed');
    // the refused POST counted too (the throttler runs first): a third within the window is one too many
    await keyed.post('/jobs').set('x-api-key', APP_KEY).send({ prompt: 'a hare', size: '256x256' }).expect(429);

    const open = await boot();
    await open.get(`/jobs/${id}`).set('host', 'evil.example').expect(403);
    await open.post('/jobs').set('host', 'evil.example').send({ prompt: 'a fox' }).expect(403);
  });

  it('has no job routes without PICTOR_REDIS_URL', async () => {
    const http = await boot({ PICTOR_REDIS_URL: undefined });
    await http.post('/jobs').send({ prompt: 'a fox' }).expect(404);
  });

  it('stops the boot on a bad PICTOR_REDIS_URL, naming it and not echoing it', async () => {
    const error = await boot({ PICTOR_REDIS_URL: 'http://user:hunter2-redis@127.0.0.1:1' }).then(
      () => expect.fail('the app started'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toBe('Invalid configuration: PICTOR_REDIS_URL: must be a redis:// or rediss:// URL');
  });
});

describe('an API process and a worker process on one Redis', () => {
  it('the API (JOBS_WORKER=false) only queues; the worker process generates; the API reports and serves it', async () => {
    const api = await boot({ JOBS_WORKER: 'false' });
    const { id } = (await api.post('/jobs').send({ prompt: 'tide pools', size: '256x256' }).expect(202)).body as {
      id: string;
    };
    // No worker exists anywhere yet: the job can only be waiting.
    expect(((await api.get(`/jobs/${id}`).expect(200)).body as JobBody).state).toBe('waiting');
    expect(sandbox.stats.requests).toBe(0);

    running.push(await bootstrapWorker(env(), { logger: false, abortOnError: false }));
    const job = await settled(api, id);
    expect(job.state).toBe('completed');
    // both processes run on this machine, so the API's JOBS_OUT_DIR is the worker's folder
    await api.get(job.images[0]!.url).expect(200);
    expect(sandbox.stats.generations.together).toBe(1);
  });
});
