import { createPictorClient, type PictorClient } from '@pictor/core';
import { startSandbox, type Sandbox, type SandboxOptions } from '@pictor/sandbox';
import { Queue, QueueEvents } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type RedisServer } from '../testing/index.js';

/** A real redis-server, the sandbox, a client of it (no retries: the queue retries), a queue and an empty folder. */
export interface QueueSetup {
  redis: RedisServer;
  sandbox: Sandbox;
  client: PictorClient;
  queue: Queue;
  events: QueueEvents;
  connection: { url: string };
  outDir: string;
  close(): Promise<void>;
}

export async function queueSetup(sandboxOptions: SandboxOptions = {}): Promise<QueueSetup> {
  const [redis, sandbox, work] = await Promise.all([
    startRedisServer(),
    startSandbox({ port: 0, ...sandboxOptions }),
    mkdtemp(join(tmpdir(), 'pictor-queue-')),
  ]);
  const connection = { url: redis.url };
  const queue = new Queue('pictor', { connection });
  const events = new QueueEvents('pictor', { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const client = createPictorClient({ provider: 'sandbox', baseURL: sandbox.urls.together, maxRetries: 0 });
  return {
    redis,
    sandbox,
    client,
    queue,
    events,
    connection,
    outDir: join(work, 'images'),
    async close() {
      await Promise.all([queue.close(), events.close(), client.close()]);
      await Promise.all([redis.stop(), sandbox.close(), rm(work, { recursive: true, force: true })]);
    },
  };
}

/** Resolves once every one of `ids` has completed or failed (as read from the queue, then from its events). */
export async function settled(setup: QueueSetup, ids: readonly string[]): Promise<void> {
  const pending = new Set(ids);
  await new Promise<void>((resolve) => {
    const check = (jobId: string) => {
      pending.delete(jobId);
      if (pending.size === 0) {
        setup.events.off('completed', onEvent);
        setup.events.off('failed', onEvent);
        resolve();
      }
    };
    const onEvent = ({ jobId }: { jobId: string }) => check(jobId);
    setup.events.on('completed', onEvent);
    setup.events.on('failed', onEvent);
    void Promise.all(
      ids.map(async (id) => {
        const state = await setup.queue.getJobState(id);
        if (state === 'completed' || state === 'failed') check(id);
      }),
    );
    if (pending.size === 0) resolve();
  });
}
