import { readManifest } from '@pictor/core/storage';
import { startRedisServer, type RedisServer } from '@pictor/queue/testing';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, runPictor, spawnPictor, tempDir } from '../__fixtures__/run-pictor.js';

let redis: RedisServer;
let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };
let queue: Queue;
let out: string;
let prompts: string;

const KEY = 'sk-queue-test-0123456789abcdef';
const PASSWORD = 'hunter2-redis-password';
const PROMPTS = ['a red fox', 'a blue whale', 'a green frog', 'a snail', 'an owl'];

beforeEach(async () => {
  [redis, sandbox, dir] = await Promise.all([startRedisServer(), startSandbox({ port: 0 }), tempDir()]);
  queue = new Queue('pictor', { connection: { url: redis.url } });
  out = join(dir.path, 'images');
  prompts = join(dir.path, 'prompts.jsonl');
  await writeFile(prompts, PROMPTS.map((p, i) => JSON.stringify(i === 1 ? { prompt: p, n: 2 } : p)).join('\n'));
});
afterEach(async () => {
  await queue.close();
  await Promise.all([redis.stop(), sandbox.close(), dir.remove()]);
});

/** The URL with a password in it: the server needs none, so it only shows whether pictor ever prints it. */
const queueUrl = () => redis.url.replace('redis://', `redis://:${PASSWORD}@`);
const provider = () => ['--provider', 'sandbox', '--base-url', sandbox.urls.together];
const env = { PICTOR_API_KEY: KEY };

function enqueue(args: string[] = []) {
  return runPictor(['batch', prompts, '--queue', queueUrl(), ...provider(), '--out', out, ...args], { env });
}

function startWorker(args: string[] = []) {
  return spawnPictor(['worker', '--queue', queueUrl(), ...provider(), '--out', out, ...args], { env });
}

async function stop(worker: ReturnType<typeof startWorker>) {
  const ended = collect(worker);
  worker.kill('SIGINT');
  return ended;
}

describe('pictor batch --queue', () => {
  it('enqueues one job per prompt: a second run adds nothing', async () => {
    const first = await enqueue();
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/Queued 5 prompts on 127\.0\.0\.1:\d+ \(queue pictor\): 5 added, 0 already there/);
    const second = await enqueue();
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/Queued 5 prompts .*: 0 added, 5 already there/);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 5 });
    // Nothing secret went into Redis or onto the screen.
    const jobs = await queue.getJobs(['waiting']);
    expect(JSON.stringify(jobs.map((job) => job.data))).not.toContain(KEY);
    for (const text of [first.stdout, first.stderr, second.stdout, second.stderr]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(KEY);
    }
    expect(sandbox.stats.generations.together ?? 0).toBe(0);
  });

  it('refuses options that mean nothing for queued prompts, naming them', async () => {
    const run = await enqueue(['--max-cost', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-cost does not go with --queue/);
    const bad = await runPictor(['batch', prompts, '--queue', 'http://example.com']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--queue.*must be a redis:\/\/ or rediss:\/\/ URL/);
  });
});

describe('pictor worker', () => {
  it('two workers and an enqueuer that waits: every prompt made once, images and manifest saved', async () => {
    const workers = [startWorker(), startWorker(['--concurrency', '1'])];
    const run = await enqueue(['--wait']);
    const ended = await Promise.all(workers.map(stop));

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Done: 5 prompts, 5 generated, 0 already done, 0 failed/);
    expect(run.stderr.match(/^\[\d\/5\] saved line \d /gm)).toHaveLength(5);
    expect(sandbox.stats.generations.together).toBe(PROMPTS.length);
    const manifest = await readManifest(out);
    expect(manifest.entries.map((e) => e.prompt).sort()).toEqual([...PROMPTS].sort());
    for (const entry of manifest.entries) {
      expect(entry.images).toHaveLength(entry.prompt === 'a blue whale' ? 2 : 1);
      for (const image of entry.images) {
        const bytes = await readFile(join(out, image.file));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(image.sha256);
      }
    }
    for (const worker of ended) {
      expect(worker.code).toBe(0);
      expect(worker.stderr).toMatch(/Worker stopped\./);
      expect(worker.stderr).not.toContain(PASSWORD);
      expect(worker.stderr).not.toContain(KEY);
    }
    // Between them, the workers saved each prompt once.
    const saved = ended.flatMap((w) => w.stderr.match(/^saved line \d /gm) ?? []);
    expect(saved).toHaveLength(5);

    // A rerun finds every job done and waits for nothing.
    const again = await enqueue(['--wait']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/0 added, 5 already there/);
    expect(again.stderr).toMatch(/Done: 5 prompts, 5 generated/);
    expect(sandbox.stats.generations.together).toBe(PROMPTS.length);
  });

  it('a 429 pauses the queue for Retry-After and costs the job no attempt', async () => {
    sandbox.setFaults([{ fault: 'rate-limit', retryAfter: 1 }]);
    const workers = [startWorker(['--concurrency', '1']), startWorker(['--concurrency', '1'])];
    const run = await enqueue(['--wait']);
    const ended = await Promise.all(workers.map(stop));

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Done: 5 prompts, 5 generated, 0 already done, 0 failed/);
    expect(sandbox.stats.faults['rate-limit']).toBe(1);
    expect(sandbox.stats.generations.together).toBe(PROMPTS.length + 1);
    // Taken back to waiting by BullMQ's rate limit, not failed and retried: every job finished on its first attempt.
    const jobs = await queue.getJobs(['completed']);
    expect(jobs).toHaveLength(5);
    for (const job of jobs) expect(job.attemptsMade).toBe(1);
    // The queue, not the client, sat out the 429: the limited job was started twice (a client retry starts it once).
    expect(jobs.map((job) => job.attemptsStarted).sort()).toEqual([1, 1, 1, 1, 2]);
    for (const worker of ended) expect(worker.stderr).not.toMatch(/will retry|failed/);
  });

  it('sets limits that hold across workers, and fails bad ones by name', async () => {
    const worker = startWorker(['--global-concurrency', '3', '--rate-limit', '20/s']);
    const run = await enqueue(['--wait']);
    const ended = await stop(worker);
    expect(run.code).toBe(0);
    expect(ended.stderr).toMatch(/Queue limits for every worker: 3 jobs at once, 20 started per 1000 ms/);
    expect(await queue.getGlobalConcurrency()).toBe(3);
    expect(await queue.getGlobalRateLimit()).toEqual({ max: 20, duration: 1000 });

    const bad = await runPictor(['worker', '--queue', redis.url, '--rate-limit', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rate-limit.*must be N\/s, N\/m or N\/h/);
  });
});
