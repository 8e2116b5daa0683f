import 'reflect-metadata';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ValidationError, type PictorClientOptions } from '@pictor/core';
import { readManifest } from '@pictor/core/storage';
import { startRedisServer, type RedisServer } from '@pictor/queue/testing';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PictorModule } from './index.js';
import {
  PICTOR_JOBS_PROCESSOR,
  PictorJobsService,
  PictorQueueModule,
  type PictorJobStatus,
  type PictorQueueModuleOptions,
  type PictorQueueOptionsFactory,
} from './queue.js';

// A real Nest application context, a real redis-server on loopback and the sandbox: jobs go through Redis to a
// BullMQ worker inside the app, which generates and saves.
const API_KEY = 'nest-queue-test-key-61d0';
const REQUEST = { prompt: 'a lighthouse at dusk', width: 256, height: 256, seed: 3 };

let sandbox: Sandbox;
let redis: RedisServer;
let outDir: string;
let queueName: string;
let queues = 0;
const apps: INestApplicationContext[] = [];

beforeAll(async () => {
  [sandbox, redis] = await Promise.all([startSandbox({ port: 0, apiKey: API_KEY }), startRedisServer()]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), redis?.stop()]);
});
beforeEach(async () => {
  sandbox.stats.reset();
  outDir = await mkdtemp(join(tmpdir(), 'pictor-nest-queue-'));
  queueName = `pictor-test-${++queues}`; // each test its own queue in the shared Redis
});
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.close();
  await rm(outDir, { recursive: true, force: true });
});

function together(): PictorClientOptions {
  return { provider: 'together', apiKey: API_KEY, baseURL: sandbox.urls.together, maxRetries: 0 };
}

function queueOptions(extra: Partial<PictorQueueModuleOptions> = {}): PictorQueueModuleOptions {
  return { connection: redis.url, outDir, ...extra };
}

/** A real app context around the given modules, closed after the test. */
async function boot(...imports: DynamicModule[]): Promise<INestApplicationContext> {
  @Module({ imports })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  apps.push(app);
  return app;
}

async function bootError(...imports: DynamicModule[]): Promise<unknown> {
  return boot(...imports).then(
    () => expect.fail('the app started'),
    (error: unknown) => error,
  );
}

/** Reads the job until it has completed or failed (the test's timeout bounds the wait). */
async function settled(jobs: PictorJobsService, id: string): Promise<PictorJobStatus> {
  for (;;) {
    const status = await jobs.get(id);
    if (status?.state === 'completed' || status?.state === 'failed') return status;
    await sleep(25);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('PictorQueueModule', () => {
  it('enqueues a request; its worker generates it and saves the images and the manifest entry in outDir', async () => {
    const app = await boot(
      PictorModule.forRoot(together()),
      PictorQueueModule.forRoot({ ...queueOptions(), queueName }),
    );
    const jobs = app.get(PictorJobsService);
    expect(jobs.queue.name).toBe(queueName);

    const { id, existing } = await jobs.enqueue({ ...REQUEST, n: 2 });
    expect(existing).toBe(false);
    const status = await settled(jobs, id);

    expect(status).toMatchObject({ id, state: 'completed', failedReason: undefined });
    const result = status.result!;
    expect(result.skipped).toBe(false);
    expect(result.images).toHaveLength(2);
    for (const image of result.images) expect(await exists(join(outDir, image.file))).toBe(true);
    const manifest = await readManifest(outDir);
    expect(manifest.entries.map((entry) => entry.key)).toEqual([result.key]);
    expect(manifest.entries[0]!.images.map((image) => image.file)).toEqual(result.images.map((image) => image.file));
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it('makes the same request twice one job, generated once, before and after it ran', async () => {
    const app = await boot(PictorQueueModule.forRoot({ ...queueOptions({ client: together() }), queueName }));
    const jobs = app.get(PictorJobsService);

    const first = await jobs.enqueue(REQUEST);
    const second = await jobs.enqueue({ ...REQUEST });
    expect(second).toEqual({ id: first.id, existing: true });
    await settled(jobs, first.id);
    expect(await jobs.enqueue(REQUEST)).toEqual({ id: first.id, existing: true });

    expect(await jobs.queue.getJobCountByTypes('completed', 'waiting', 'active', 'delayed', 'failed')).toBe(1);
    expect(sandbox.stats.generations.together).toBe(1);
    // another request is another job
    expect((await jobs.enqueue({ ...REQUEST, seed: 4 })).id).not.toBe(first.id);
  });

  it('answers undefined for an id it never gave', async () => {
    const app = await boot(PictorQueueModule.forRoot({ ...queueOptions({ client: together() }), queueName }));
    expect(await app.get(PictorJobsService).get('no-such-job')).toBeUndefined();
  });

  it('refuses a bad request before it reaches Redis, naming the field', async () => {
    const app = await boot(PictorQueueModule.forRoot({ ...queueOptions({ client: together() }), queueName }));
    const jobs = app.get(PictorJobsService);

    const error = await jobs.enqueue({ prompt: '', n: 0 }).then(
      () => expect.fail('the request was queued'),
      (e: unknown) => e,
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields).toEqual(expect.arrayContaining(['prompt', 'n']));
    expect(await jobs.queue.count()).toBe(0);
    expect(sandbox.stats.requests).toBe(0);
  });

  it('splits API and workers: processor false only enqueues; a worker app on the same Redis runs the job', async () => {
    const api = await boot(
      PictorModule.forRoot(together()),
      PictorQueueModule.forRoot({ ...queueOptions({ processor: false }), queueName }),
    );
    const jobs = api.get(PictorJobsService);
    expect(api.get(PICTOR_JOBS_PROCESSOR)).toBeNull();

    const { id } = await jobs.enqueue(REQUEST);
    // No worker exists anywhere for this queue yet: the job can only be waiting.
    expect((await jobs.get(id))?.state).toBe('waiting');
    expect(sandbox.stats.requests).toBe(0);

    await boot(PictorQueueModule.forRoot({ ...queueOptions({ client: together() }), queueName }));
    const status = await settled(jobs, id);
    expect(status.state).toBe('completed');
    expect(await exists(join(outDir, status.result!.images[0]!.file))).toBe(true);
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it("pauses the queue for the provider's Retry-After on a 429 (worker.rateLimit), using none of the job's attempts", async () => {
    const app = await boot(PictorQueueModule.forRoot({ ...queueOptions({ client: together() }), queueName }));
    const jobs = app.get(PictorJobsService);
    sandbox.setFaults([{ fault: 'rate-limit', times: 1, retryAfter: 1 }]);
    try {
      const { id } = await jobs.enqueue(REQUEST);
      const status = await settled(jobs, id);
      const job = (await jobs.queue.getJob(id))!;
      expect(status).toMatchObject({ state: 'completed', attemptsMade: 1, failedReason: undefined });
      // Tried twice, yet one attempt made and no failure recorded: a plain retry would count and record one.
      expect(job.attemptsStarted).toBe(2);
      expect(job.stacktrace).toEqual([]);
      expect(sandbox.stats.faults['rate-limit']).toBe(1);
      expect(sandbox.stats.generations.together).toBe(2);
    } finally {
      sandbox.setFaults(undefined);
    }
  });

  it('on shutdown, finishes the job its worker is running before the app closes', async () => {
    const slow = await startSandbox({ port: 0, apiKey: API_KEY, latencyMs: 300 });
    try {
      const client = { ...together(), baseURL: slow.urls.together };
      const worker = await boot(PictorQueueModule.forRoot({ ...queueOptions({ client }), queueName }));
      const jobs = worker.get(PictorJobsService);
      const { id } = await jobs.enqueue(REQUEST);
      while ((await jobs.get(id))?.state !== 'active') await sleep(10);
      await worker.close();
      apps.splice(apps.indexOf(worker), 1);

      const api = await boot(
        PictorQueueModule.forRoot({ ...queueOptions({ client: together(), processor: false }), queueName }),
      );
      const status = await api.get(PictorJobsService).get(id);
      expect(status?.state).toBe('completed');
      expect(await exists(join(outDir, status!.result!.images[0]!.file))).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('takes its options from forRootAsync (useFactory, useClass) and stores the queue-wide limits in Redis', async () => {
    @Injectable()
    class QueueConfig implements PictorQueueOptionsFactory {
      createPictorQueueOptions(): PictorQueueModuleOptions {
        return queueOptions({
          client: together(),
          globalConcurrency: 3,
          concurrency: 2,
          rateLimit: { max: 10, duration: 1000 },
        });
      }
    }
    const app = await boot(PictorQueueModule.forRootAsync({ queueName, useClass: QueueConfig }));
    const jobs = app.get(PictorJobsService);
    expect(await jobs.queue.getGlobalConcurrency()).toBe(3);
    expect(await jobs.queue.getGlobalRateLimit()).toEqual({ max: 10, duration: 1000 });
    const { id } = await jobs.enqueue(REQUEST);
    expect((await settled(jobs, id)).state).toBe('completed');

    const other = await boot(
      PictorQueueModule.forRootAsync({
        queueName: `${queueName}-b`,
        useFactory: async () => queueOptions({ client: together(), processor: false }),
      }),
    );
    expect(other.get(PictorJobsService).queue.name).toBe(`${queueName}-b`);
  });

  it('stops the boot on bad options, naming each field and never echoing the Redis URL', async () => {
    const error = await bootError(
      PictorQueueModule.forRoot({
        connection: 'http://user:s3cret-redis-pw@127.0.0.1:1',
        outDir: '',
        concurrency: 0,
        rateLimit: { max: 5, duration: -1 },
        queueName,
      }),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields).toEqual(['connection', 'outDir', 'concurrency', 'rateLimit.duration']);
    expect((error as Error).message).toMatch(/^Invalid PictorQueueModule options: /);
    expect((error as Error).message).not.toContain('s3cret-redis-pw');
  });

  it('stops the boot on bad client options, naming the field under client, and without any client', async () => {
    const error = await bootError(
      PictorQueueModule.forRoot({ ...queueOptions({ client: { provider: 'together', maxRetries: -1 } }), queueName }),
    );
    expect((error as ValidationError).fields).toEqual(expect.arrayContaining(['client.maxRetries']));

    const missing = await bootError(PictorQueueModule.forRoot({ ...queueOptions({ pictor: 'gateway' }), queueName }));
    expect((missing as Error).message).toContain('PictorService:gateway');
  });
});
