import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '@pictor/queue/testing';
import { startSandbox } from '@pictor/sandbox';
import { expect, it } from 'vitest';
import { bootstrap } from './bootstrap.js';

const WORKER = fileURLToPath(new URL('../dist/worker.js', import.meta.url));
const API_KEY = 'nest-worker-key-5e18';

it('dist/worker.js takes the jobs an API-only app queues on the same Redis, and stops cleanly on SIGTERM', async () => {
  expect(existsSync(WORKER), 'build the app first (pnpm run build)').toBe(true);
  const [sandbox, redis, outDir] = await Promise.all([
    startSandbox({ port: 0, apiKey: API_KEY }),
    startRedisServer(),
    mkdtemp(join(tmpdir(), 'pictor-nest-worker-')),
  ]);
  const env = {
    PICTOR_PROVIDER: 'together',
    PICTOR_BASE_URL: sandbox.urls.together,
    PICTOR_API_KEY: API_KEY,
    PICTOR_REDIS_URL: redis.url,
    JOBS_OUT_DIR: outDir,
  };
  const api = await bootstrap({ ...env, PORT: '0', HOST: '127.0.0.1', JOBS_WORKER: 'false' }, { logger: false });
  const child = spawn(process.execPath, [WORKER], {
    env: { PATH: process.env.PATH, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  try {
    const url = await api.getUrl();
    const posted = await fetch(`${url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a lighthouse', size: '256x256' }),
    });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    let job: { state: string; images: { url: string }[] };
    for (;;) {
      job = (await (await fetch(`${url}/jobs/${id}`)).json()) as typeof job;
      if (job.state === 'completed' || job.state === 'failed') break;
      await sleep(50);
    }
    expect(job.state).toBe('completed');
    expect((await fetch(`${url}${job.images[0]!.url}`)).status).toBe(200);
    expect(sandbox.stats.generations.together).toBe(1);

    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([null, 'SIGTERM']);
    expect(output).toContain('Worker started');
    expect(output).toContain('Shut down on SIGTERM');
    expect(output).not.toContain(API_KEY);
  } finally {
    child.kill('SIGKILL');
    await api.close();
    await Promise.all([sandbox.close(), redis.stop(), rm(outDir, { recursive: true, force: true })]);
  }
});
