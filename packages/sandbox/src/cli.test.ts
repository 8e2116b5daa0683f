import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from './__fixtures__/http.js';

// Runs the built command (dist/cli.js) and the CommonJS build, as users get them from npm.
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const cli = join(packageDir, 'dist/cli.js');
const run = promisify(execFile);

interface Running {
  child: ChildProcess;
  lines: string[];
  exit: Promise<number | null>;
}

function startCli(args: string[]): Promise<Running & { origin: string }> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner:\n${lines.join('\n')}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      const banner = lines.find((l) => l.startsWith('pictor-sandbox listening on '));
      if (banner && lines.some((l) => l.includes('ai-stats'))) {
        clearTimeout(timer);
        resolve({ child, lines, exit, origin: banner.slice('pictor-sandbox listening on '.length) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then((code) => reject(new Error(`exited ${code}:\n${lines.join('\n')}`)));
  });
}

const waitFor = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('pictor-sandbox command', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints its base URLs, logs one line per request, applies --key and --faults, stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pictor-cli-'));
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify([{ fault: 'rate-limit', times: 1, retryAfter: 3 }]));
    const running = await startCli(['--port', '0', '--key', 'cli-key', '--faults', plan, '--latency', '0']);
    children.push(running.child);
    expect(running.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const name of ['together', 'openai', 'r9s', 'ai-stats']) {
      expect(running.lines).toContainEqual(expect.stringContaining(`${running.origin}/${name}/v1`));
    }
    const url = `${running.origin}/openai/v1/images/generations`;
    const body = { prompt: 'p', size: '256x256' };
    expect((await postJson(url, body, { authorization: 'Bearer wrong' })).status).toBe(401);
    const limited = await postJson(url, body, { authorization: 'Bearer cli-key' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await postJson(url, body, { authorization: 'Bearer cli-key' })).status).toBe(200);

    const requestId = limited.headers.get('x-request-id')!;
    await waitFor(() => running.lines.filter((l) => l.includes('POST /openai/v1/images/generations')).length >= 3);
    const logged = running.lines.filter((l) => l.includes('POST /openai/v1/images/generations'));
    expect(logged).toHaveLength(3);
    expect(logged.find((l) => l.includes(requestId))).toMatch(/ 429 \d+ms fault=rate-limit$/);

    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
    expect(running.lines.at(-1)).toMatch(/SIGTERM, shutting down/);
  });

  it('stops cleanly on SIGINT, even with a request held open', async () => {
    const running = await startCli(['--port', '0', '--quiet']);
    children.push(running.child);
    const held = postJson(
      `${running.origin}/together/v1/images/generations`,
      { model: 'black-forest-labs/FLUX.1-schnell', prompt: 'p' },
      {
        'x-sandbox-fault': 'slow-headers',
      },
    ).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    running.child.kill('SIGINT');
    expect(await running.exit).toBe(0);
    expect(await held).toBeInstanceOf(Error);
  });

  it('prints usage on --help and refuses bad options', async () => {
    const help = await run(process.execPath, [cli, '--help']);
    expect(help.stdout).toMatch(/Usage: pictor-sandbox/);
    const bad = await run(process.execPath, [cli, '--latency', 'soon']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--latency expects a number/) });
  });
});

describe('CommonJS build', () => {
  it('starts the sandbox through require() and finds the shipped specs', async () => {
    const script = `
      const { startSandbox } = require(${JSON.stringify(join(packageDir, 'dist/index.cjs'))});
      startSandbox().then(async (s) => {
        const res = await fetch(s.urls.openai + '/images/generations', {
          method: 'POST',
          headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: 'cjs', n: 11 }),
        });
        console.log(res.status, (await res.json()).error.code);
        await s.close();
      });`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: tmpdir() });
    expect(stdout.trim()).toBe('400 integer_above_max_value');
  });
});
