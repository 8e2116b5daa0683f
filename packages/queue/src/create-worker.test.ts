import { runBatch } from '@pictor/core/batch';
import { readManifest } from '@pictor/core/storage';
import type { Job, Worker } from 'bullmq';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queueSetup, settled, type QueueSetup } from './__fixtures__/queue-setup.js';
import { configurePictorQueue } from './configure-queue.js';
import { createPictorWorker } from './create-worker.js';
import { enqueuePictorJobs } from './enqueue-jobs.js';
import { pictorJobId } from './job-id.js';
import type { PictorJobResult } from './job-result.js';

let setup: QueueSetup | undefined;
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close()));
  await setup?.close();
  setup = undefined;
});

function startWorkers(s: QueueSetup, count: number, concurrency = 2): void {
  for (let i = 0; i < count; i++) {
    workers.push(createPictorWorker({ connection: s.connection, client: s.client, outDir: s.outDir, concurrency }));
  }
}

async function jobs(s: QueueSetup, ids: readonly string[]): Promise<Job[]> {
  return (await Promise.all(ids.map((id) => s.queue.getJob(id)))).map((job) => job!);
}

describe('createPictorWorker', () => {
  it('makes every prompt once across two workers, saving images and manifest entries', async () => {
    const s = (setup = await queueSetup());
    const prompts = ['a red fox', 'a blue whale', 'a green frog', 'a snail', 'an owl', 'a heron'];
    const { jobIds } = await enqueuePictorJobs(
      s.queue,
      prompts.map((prompt, i) => ({ prompt, n: i === 0 ? 2 : 1 })),
      { client: s.client },
    );
    startWorkers(s, 2);
    await settled(s, jobIds);

    expect(s.sandbox.stats.generations.together).toBe(prompts.length);
    const manifest = await readManifest(s.outDir);
    expect(manifest.entries.map((e) => e.prompt).sort()).toEqual([...prompts].sort());
    for (const job of await jobs(s, jobIds)) {
      expect(await job.getState()).toBe('completed');
      const result = job.returnvalue as PictorJobResult;
      const entry = manifest.entries.find((e) => pictorJobId(e.key) === job.id)!;
      expect(result).toMatchObject({ key: entry.key, skipped: false, warnings: [] });
      expect(result.images.map((i) => i.file)).toEqual(entry.images.map((i) => i.file));
      for (const image of result.images) {
        const bytes = await readFile(join(s.outDir, image.file));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(image.sha256);
      }
    }
    expect((await jobs(s, [jobIds[0]!]))[0]!.returnvalue.images).toHaveLength(2);
  });

  it('skips a prompt the folder already holds (a job delivered again after a crash): nothing paid twice', async () => {
    const s = (setup = await queueSetup());
    await runBatch({ client: s.client, jobs: [{ line: 1, request: { prompt: 'a lighthouse' } }], outDir: s.outDir });
    expect(s.sandbox.stats.generations.together).toBe(1);
    const { jobIds } = await enqueuePictorJobs(s.queue, [{ prompt: 'a lighthouse' }], { client: s.client });
    startWorkers(s, 1);
    await settled(s, jobIds);
    const [job] = await jobs(s, jobIds);
    expect(job!.returnvalue).toMatchObject({ skipped: true, cost: null });
    expect(job!.progress).toEqual({ stage: 'skipped', images: 1 });
    expect(s.sandbox.stats.generations.together).toBe(1);
  });

  it('fails untrusted job data at once, naming the field, before any request', async () => {
    const s = (setup = await queueSetup());
    const { jobIds } = await enqueuePictorJobs(s.queue, [{ prompt: 'a cat' }], { client: s.client });
    const key = jobIds[0]!.slice('pictor-'.length);
    const badSize = { key, request: { prompt: 'a cat', size: 'huge' } };
    const otherKey = { key: 'b'.repeat(64), request: { prompt: 'a cat' } };
    await s.queue.add('generate', badSize, { jobId: 'pictor-bad-size', attempts: 5 });
    await s.queue.add('generate', otherKey, { jobId: pictorJobId('b'.repeat(64)), attempts: 5 });
    const stolen = { key, request: { prompt: 'a cat' } };
    await s.queue.add('generate', stolen, { jobId: 'someone-else', attempts: 5 });
    await s.queue.remove(jobIds[0]!);
    startWorkers(s, 1);
    const ids = ['pictor-bad-size', pictorJobId('b'.repeat(64)), 'someone-else'];
    await settled(s, ids);
    const [size, other, id] = await jobs(s, ids);
    for (const job of [size!, other!, id!]) {
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
    }
    expect(size!.failedReason).toMatch(/^Invalid job data: request\.size: /);
    expect(other!.failedReason).toMatch(
      /^Invalid job data: key: does not match the request for this worker's provider \(sandbox\)/,
    );
    expect(id!.failedReason).toMatch(/its id is not pictorJobId\(key\)/);
    expect(s.sandbox.stats.generations.together ?? 0).toBe(0);
  });

  it('fails a request the provider refuses at once, and retries a 5xx with the job attempts', async () => {
    const s = (setup = await queueSetup({ faults: [{ fault: 'server-error' }] }));
    const { jobIds } = await enqueuePictorJobs(s.queue, [{ prompt: 'a moth' }], {
      client: s.client,
      jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
    });
    // A model the sandbox does not know: 404, not worth repeating.
    const refused = await enqueuePictorJobs(s.queue, [{ prompt: 'a moth', model: 'no/such-model' }], {
      client: s.client,
    });
    startWorkers(s, 1, 1);
    await settled(s, [...jobIds, ...refused.jobIds]);
    const [retried, failed] = await jobs(s, [...jobIds, ...refused.jobIds]);
    expect(await retried!.getState()).toBe('completed');
    expect(retried!.attemptsMade).toBe(2);
    expect(await failed!.getState()).toBe('failed');
    expect(failed!.attemptsMade).toBe(1);
    expect(failed!.failedReason).toMatch(/^NotFoundError: /);
  });

  it('on a 429 pauses the whole queue for Retry-After without using an attempt', async () => {
    // The first request gets the 429 at once; the other worker's takes 150 ms, so jobs still wait while paused.
    const s = (setup = await queueSetup({ faults: [{ fault: 'rate-limit', retryAfter: 1 }], latencyMs: 150 }));
    const prompts = ['one', 'two', 'three', 'four', 'five', 'six'].map((prompt) => ({ prompt }));
    // One attempt each: a 429 that used an attempt would fail its job.
    const { jobIds } = await enqueuePictorJobs(s.queue, prompts, { client: s.client, jobOptions: { attempts: 1 } });
    let paused: { at: number; ttl: number; jobId: string } | undefined;
    s.events.on('waiting', ({ jobId, prev }) => {
      // The rate-limited job goes back from active to waiting once the limit is set.
      if (prev === 'active' && !paused) {
        const at = Date.now();
        void s.queue.getRateLimitTtl().then((ttl) => (paused ??= { at, ttl, jobId }));
      }
    });
    startWorkers(s, 2, 1);
    await settled(s, jobIds);

    expect(s.sandbox.stats.faults['rate-limit']).toBe(1);
    expect(s.sandbox.stats.generations.together).toBe(prompts.length + 1);
    const all = await jobs(s, jobIds);
    for (const job of all) expect(await job.getState()).toBe('completed');
    expect(paused).toBeDefined();
    // The pause is the queue's (a key every worker reads), set for the provider's Retry-After.
    expect(paused!.ttl).toBeGreaterThan(0);
    expect(paused!.ttl).toBeLessThanOrEqual(1_000);
    // No worker started a job while the queue was paused, though jobs were waiting.
    expect(all.some((job) => job.processedOn! >= paused!.at + paused!.ttl && job.id !== paused!.jobId)).toBe(true);
    for (const job of all) {
      // processedOn is a job's last start: the limited job's too, which must also wait for the pause to end.
      const started = job.processedOn!;
      expect(started < paused!.at || started >= paused!.at + paused!.ttl).toBe(true);
    }
  });

  it('holds a global concurrency across workers', async () => {
    const s = (setup = await queueSetup({ latencyMs: 50 }));
    expect(
      await configurePictorQueue(s.queue, { globalConcurrency: 1, rateLimit: { max: 100, duration: 1_000 } }),
    ).toEqual({
      globalConcurrency: 1,
      rateLimit: { max: 100, duration: 1_000 },
    });
    const { jobIds } = await enqueuePictorJobs(
      s.queue,
      ['a', 'b', 'c', 'd', 'e'].map((prompt) => ({ prompt })),
      { client: s.client },
    );
    startWorkers(s, 2, 3);
    await settled(s, jobIds);
    // As the queue recorded them, no two jobs ran at the same time although six slots were free.
    const spans = (await jobs(s, jobIds))
      .map((job) => [job.processedOn!, job.finishedOn!] as const)
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    expect(await configurePictorQueue(s.queue, { globalConcurrency: null, rateLimit: null })).toEqual({
      globalConcurrency: null,
      rateLimit: null,
    });
  });

  it("holds a global rate limit in its own window: each worker is given it (BullMQ measures the window by the worker's)", async () => {
    const s = (setup = await queueSetup());
    const { rateLimit } = await configurePictorQueue(s.queue, { rateLimit: { max: 2, duration: 300 } });
    const { jobIds } = await enqueuePictorJobs(
      s.queue,
      ['a', 'b', 'c', 'd', 'e', 'f'].map((prompt) => ({ prompt })),
      { client: s.client },
    );
    for (let i = 0; i < 2; i++) {
      const worker = createPictorWorker({ connection: s.connection, client: s.client, outDir: s.outDir, rateLimit });
      expect(worker.opts.limiter).toEqual({ max: 2, duration: 300 }); // not the 1 s window of PICTOR_WORKER_LIMITER
      workers.push(worker);
    }
    await settled(s, jobIds);
    // As the queue recorded them, across both workers: a window opens at a start and lasts 300 ms (BullMQ's fixed
    // window), and none holds more than two starts.
    const starts = (await jobs(s, jobIds)).map((job) => job.processedOn!).sort((a, b) => a - b);
    const windows: number[][] = [];
    for (const start of starts) {
      const open = windows.at(-1);
      if (open && start < open[0]! + 300) open.push(start);
      else windows.push([start]);
    }
    expect(Math.max(...windows.map((w) => w.length))).toBeLessThanOrEqual(2);
  });
});
