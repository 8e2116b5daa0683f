import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NEST_MAIN, requireBuilt } from './__fixtures__/front-doors.ts';
import { startNestApp, type NestApp } from './__fixtures__/nest-app.ts';
import { collect, spawnNode } from './__fixtures__/run-node.ts';

// apps/nest-example, built and run as in production (`node dist/main.js`), under the attacks of the security
// review (issue 14, items 2 and 3): a web page spending the account's credits with a form or text/plain POST
// (no CORS preflight) or through DNS rebinding, callers without the app's key, a flood, content sniffing, a
// client that gives up while the provider is slow, and a provider whose messages carry terminal escape sequences.

const APP_KEY = `nest-attack-${randomBytes(12).toString('hex')}`;
const GENERATION = JSON.stringify({ prompt: 'an attack at dawn', size: '64x64' });
const WAIT = { timeout: 30_000, interval: 25 };

let sandbox: Sandbox;
let app: NestApp | undefined;

beforeAll(async () => {
  requireBuilt(NEST_MAIN);
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await app?.stop();
  app = undefined;
  sandbox.stats.reset();
});

/** The app against the sandbox, with `env` on top. */
async function start(env: Record<string, string> = {}): Promise<string> {
  app = await startNestApp({
    PICTOR_PROVIDER: 'together',
    PICTOR_BASE_URL: sandbox.urls.together,
    PICTOR_API_KEY: 'any',
    NO_COLOR: '1',
    ...env,
  });
  return app.origin;
}

const json = (headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: GENERATION,
});

describe('the Nest example app under attack', () => {
  it('refuses a cross-site form POST with 415 and spends nothing', async () => {
    const origin = await start();
    // What a <form method=post> on any web page sends: no preflight, the browser's cookies, a urlencoded body.
    const res = await fetch(`${origin}/images`, {
      method: 'POST',
      body: new URLSearchParams({ prompt: 'an attack at dawn', size: '64x64' }),
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.status).toBe(415);
    expect(sandbox.stats.generations.together).toBe(0);
  });

  it('refuses a text/plain POST (fetch with no-cors, navigator.sendBeacon) with 415 and spends nothing', async () => {
    const origin = await start();
    const res = await fetch(`${origin}/images`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: GENERATION,
    });
    expect(res.status).toBe(415);
    expect(sandbox.stats.generations.together).toBe(0);
  });

  it('answers 401 to a missing or wrong API key when APP_API_KEY is set, and spends nothing', async () => {
    const origin = await start({ APP_API_KEY: APP_KEY });
    const answers = await Promise.all([
      fetch(`${origin}/images`, json()),
      fetch(`${origin}/images`, json({ authorization: `Bearer ${APP_KEY.slice(0, -1)}x` })),
      fetch(`${origin}/images`, json({ 'x-api-key': APP_KEY.toUpperCase() })),
      fetch(`${origin}/images`, json({ authorization: APP_KEY })), // no scheme
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(sandbox.stats.generations.together).toBe(0);
    const texts = await Promise.all(answers.map((a) => a.text()));
    expect((await fetch(`${origin}/images`, json({ authorization: `Bearer ${APP_KEY}` }))).status).toBe(201);
    for (const text of [...texts, app!.output()]) expect(text).not.toContain(APP_KEY.slice(12, 30));
  });

  it('refuses to start on 0.0.0.0 without an API key, naming APP_API_KEY and never listening', async () => {
    const child = spawnNode(NEST_MAIN, [], {
      env: { PORT: '0', HOST: '0.0.0.0', PICTOR_PROVIDER: 'sandbox', NO_COLOR: '1' },
    });
    // The fixed app stops before binding anything; a broken one is stopped as soon as it says it listens.
    child.stdout.on(
      'data',
      (chunk: Buffer | string) => String(chunk).includes('Listening on') && child.kill('SIGKILL'),
    );
    const run = await collect(child);
    const output = run.stdout + run.stderr;
    expect(output).not.toContain('Listening on');
    expect(run.code).not.toBe(0);
    expect(output).toContain('APP_API_KEY: is required when HOST is not a loopback address');
  });

  it('answers 429 with Retry-After once a client passes the generation limit', async () => {
    const origin = await start({ THROTTLE_GENERATE_LIMIT: '2', THROTTLE_TTL_SECONDS: '3600' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${origin}/images`, json());
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([201, 201, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(sandbox.stats.generations.together).toBe(2);
  });

  it('sends X-Content-Type-Options: nosniff and no X-Powered-By on every answer', async () => {
    const origin = await start();
    const created = await fetch(`${origin}/images`, json());
    const { images } = (await created.json()) as { images: { url: string }[] };
    const answers = [
      created,
      await fetch(`${origin}${images[0]!.url}`),
      await fetch(`${origin}/images/0b4a5bd4-8a4e-4f4e-9a57-0a7f3e0c3c55`),
      await fetch(`${origin}/health`),
      await fetch(`${origin}/nowhere`),
      await fetch(`${origin}/images`, { method: 'POST', body: new URLSearchParams({ prompt: 'x' }) }),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 200, 404, 200, 404, 415]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options'), answer.url).toBe('nosniff');
      expect(answer.headers.get('x-powered-by'), answer.url).toBeNull();
    }
  });

  it('aborts the generation of a client that disconnects while the provider is slow', async () => {
    const sandboxLog: string[] = [];
    // Each image takes ten minutes: only an abort ends this call within the test.
    const slow = await startSandbox({ port: 0, latencyMs: 600_000, log: (line) => sandboxLog.push(line) });
    try {
      const origin = await start({
        PICTOR_BASE_URL: slow.urls.together,
        PICTOR_TIMEOUT_MS: '3600000',
        PICTOR_MAX_RETRIES: '0',
      });
      const client = request(`${origin}/images`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      client.on('error', () => {}); // destroyed on purpose below
      client.end(GENERATION);
      await vi.waitFor(() => expect(slow.stats.generations.together).toBe(1), WAIT);
      client.destroy();
      // The provider saw its call cancelled before any answer, and the app says why it cancelled it.
      await vi.waitFor(
        () => expect(sandboxLog.join('\n')).toMatch(/POST \/together\/v1\/images\/generations --- \(aborted\)/),
        WAIT,
      );
      await vi.waitFor(
        () => expect(app!.output()).toContain('The client disconnected: its generation was aborted'),
        WAIT,
      );
      expect(slow.stats.imagesServed).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('refuses a DNS-rebinding request (addressed to a foreign name) with 403 when no key is set, and spends nothing', async () => {
    const origin = await start();
    // After rebinding evil.example to 127.0.0.1, the page's requests are same-origin and may send JSON, but name evil.example.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${origin}/images`,
        { method: 'POST', headers: { host: 'evil.example:3000', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(GENERATION);
    });
    expect(status).toBe(403);
    expect(sandbox.stats.generations.together).toBe(0);
  });

  it('keeps the escape sequences of a provider message out of its logs', async () => {
    const provider = await startHostileProvider();
    try {
      const origin = await start({
        PICTOR_PROVIDER: 'custom',
        PICTOR_DIALECT: 'openai',
        PICTOR_BASE_URL: `${provider.url}/v1`,
        PICTOR_MODEL: 'm',
        PICTOR_MAX_RETRIES: '0',
      });
      expect((await fetch(`${origin}/images`, json())).status).toBe(502);
      const output = (await app!.stop()).stdout;
      app = undefined;
      expect(output).toContain('Upstream exploded'); // the message is logged, its visible text intact…
      expect(output).not.toContain('pwned'); // …but not the window title it tried to set,
      expect(output.replace(/\n/g, '')).not.toMatch(/\p{Cc}/u); // nor any escape or control character (NO_COLOR: Nest adds none).
    } finally {
      await provider.close();
    }
  });
});

/** A provider that answers every call with a 500 whose message clears the screen, sets the window title, hides a link and forges a log line. */
async function startHostileProvider(): Promise<{ url: string; close(): Promise<void> }> {
  const message =
    '\u001b[2J\u001b[3J\u001b[HUpstream \u001b]0;pwned\u0007\u001b]8;;https://evil.example\u001b\\exploded\u001b]8;;\u001b\\' +
    '\r\n[Nest] 1 - LOG forged line\u0007\u009b31m\u0000';
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message, type: 'server_error' } })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
