import { describe, expect, it } from 'vitest';
import { collect, runPictor, spawnPictor, tempDir } from '../__fixtures__/run-pictor.js';

describe('pictor sandbox', () => {
  it('--port 0 serves on a free port, prints the URL of every stand-in, and stops cleanly on SIGTERM', async () => {
    const child = spawnPictor(['sandbox', '--port', '0']);
    const done = collect(child);
    const printed = await new Promise<string>((resolve) => {
      let text = '';
      child.stdout.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('ai-stats')) resolve(text);
      });
    });
    const origin = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
    expect(origin).toBeDefined();
    for (const name of ['together', 'openai', 'r9s', 'ai-stats'])
      expect(printed).toContain(`${name}`.padEnd(9) + ` ${origin}/${name}/v1`);

    const health = await fetch(`${origin}/health`);
    expect(health.status).toBe(200);
    const dir = await tempDir();
    try {
      const generated = await runPictor([
        'generate',
        'a lighthouse',
        '--provider',
        'sandbox',
        '--base-url',
        `${origin}/together/v1`,
        '--out',
        dir.path,
      ]);
      expect(generated.code).toBe(0);
    } finally {
      await dir.remove();
    }

    child.kill('SIGTERM');
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/SIGTERM received, stopping the sandbox/);
    expect(run.stderr).toMatch(/POST \/together\/v1\/images\/generations 200/);
    await expect(fetch(`${origin}/health`)).rejects.toThrow();
  });

  it('refuses a port in use with exit 2', async () => {
    const first = spawnPictor(['sandbox', '--port', '0', '--quiet']);
    const done = collect(first);
    const port = await new Promise<string>((resolve) => {
      first.stdout.on('data', (chunk: string) => {
        const match = /127\.0\.0\.1:(\d+)/.exec(chunk);
        if (match) resolve(match[1]!);
      });
    });
    const second = await runPictor(['sandbox', '--port', port]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(`pictor: error: port ${port} is in use`);
    first.kill('SIGINT');
    expect((await done).code).toBe(0);
  });
});
