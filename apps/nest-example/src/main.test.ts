import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '@pictor/sandbox';
import { expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

it('dist/main.js listens on PORT with the PICTOR_* configuration and shuts down cleanly on SIGTERM', async () => {
  expect(existsSync(MAIN), 'build the app first (pnpm run build)').toBe(true);
  const sandbox = await startSandbox({ port: 0, apiKey: 'nest-main-key-2b71' });
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      NO_COLOR: '1',
      PICTOR_PROVIDER: 'together',
      PICTOR_BASE_URL: sandbox.urls.together,
      PICTOR_API_KEY: 'nest-main-key-2b71',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const match = /Listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`the app exited before listening:\n${output}`)));
    });
    const res = await fetch(`${url}/images`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a lighthouse', size: '256x256' }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { images: unknown[] }).images).toHaveLength(1);

    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([null, 'SIGTERM']);
    expect(output).toContain('Shut down on SIGTERM');
    expect(output).not.toContain('nest-main-key-2b71');
  } finally {
    child.kill('SIGKILL');
    await sandbox.close();
  }
});

it('dist/main.js refuses to start on 0.0.0.0 without APP_API_KEY, saying which variable to set', async () => {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '0.0.0.0', NO_COLOR: '1', PICTOR_PROVIDER: 'sandbox' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.includes('Listening on')) child.kill('SIGKILL'); // a broken app is stopped at once
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const [code] = await once(child, 'exit');
  expect(code).toBe(1);
  expect(output).not.toContain('Listening on');
  expect(output).toContain('Invalid configuration: APP_API_KEY: is required when HOST is not a loopback address');
  expect(output).not.toContain('    at '); // the message, not a stack trace
});
