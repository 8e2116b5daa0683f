import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCli, type SandboxCli } from './__fixtures__/sandbox-cli.ts';

// The sandbox under the attacks of the security review (issue 14, item 4), each against the built
// `pictor-sandbox` command: a web page driving the control routes cross-site or through DNS rebinding, a client
// without the --key, the `oversized` fault fetched again and again, a flood of distinct keys and faults, and
// malformed request paths.

const MiB = 1024 * 1024;
const SANDBOX_KEY = `sk-sandbox-attack-${randomBytes(12).toString('hex')}`;
const PLAN = JSON.stringify([{ fault: 'server-error', times: 100 }]);
const GENERATION = JSON.stringify({
  model: 'dall-e-2',
  prompt: 'attack',
  size: '256x256',
  response_format: 'b64_json',
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One request over node:http (which, unlike fetch, lets a test send any Host), read whole. */
function call(
  sandbox: SandboxCli,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: sandbox.port, method, path, agent: false, headers: options.headers ?? {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Reads a response to its end without keeping it; resolves with its status and byte count. */
function drain(
  sandbox: SandboxCli,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; bytes: number; length: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sandbox.port, method, path, agent: false, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, bytes, length: Number(res.headers['content-length']) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw request line, for targets node:http would not send. */
function rawRequest(sandbox: SandboxCli, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(sandbox.port, '127.0.0.1', () => {
      socket.write(
        `${requestLine}\r\nHost: 127.0.0.1:${sandbox.port}\r\nAuthorization: Bearer any\r\nConnection: close\r\n\r\n`,
      );
    });
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}

const json = (extra: Record<string, string> = {}): Record<string, string> => ({
  'content-type': 'application/json',
  ...extra,
});
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

function generate(sandbox: SandboxCli, key = 'any-key', headers: Record<string, string> = {}): Promise<Reply> {
  return call(sandbox, 'POST', '/openai/v1/images/generations', {
    headers: { ...json(bearer(key)), ...headers },
    body: GENERATION,
  });
}

/** Waits until the sandbox has logged a marker request, so every line printed before it has arrived. */
async function settledOutput(sandbox: SandboxCli): Promise<string> {
  const marker = await call(sandbox, 'GET', '/health');
  const id = String(marker.headers['x-request-id']);
  while (!sandbox.output().includes(id)) await new Promise((resolve) => setTimeout(resolve, 20));
  return sandbox.output();
}

describe('the sandbox under attack', () => {
  let open: SandboxCli;
  let keyed: SandboxCli;
  beforeAll(async () => {
    [open, keyed] = await Promise.all([startSandboxCli(), startSandboxCli(['--key', SANDBOX_KEY])]);
  });
  afterAll(async () => {
    await Promise.all([open?.close(), keyed?.close()]);
  });

  it('refuses a cross-site text/plain POST to /_sandbox/faults (415, and 403 with a foreign Origin); a JSON PUT still works', async () => {
    try {
      const crossSite = await call(open, 'POST', '/_sandbox/faults', {
        headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://evil.example' },
        body: PLAN,
      });
      expect(crossSite.status).toBe(403);
      const plain = await call(open, 'POST', '/_sandbox/faults', {
        headers: { 'content-type': 'text/plain' },
        body: PLAN,
      });
      expect(plain.status).toBe(415);
      expect(plain.json.error.message).toMatch(/application\/json/);
      const form = await call(open, 'PUT', '/_sandbox/faults', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: PLAN,
      });
      expect(form.status).toBe(415);
      expect((await generate(open)).status).toBe(200);

      const put = await call(open, 'PUT', '/_sandbox/faults', { headers: json(), body: PLAN });
      expect(put.status).toBe(200);
      expect((await generate(open)).status).toBe(500);
    } finally {
      await call(open, 'DELETE', '/_sandbox/faults');
    }
  });

  it('refuses a foreign Host on the control routes (DNS rebinding), and accepts its own names', async () => {
    try {
      for (const host of [
        `evil.example:${open.port}`,
        'evil.example',
        `127.0.0.1.nip.io:${open.port}`,
        `localhost:${open.port + 1}`,
      ]) {
        const stats = await call(open, 'GET', '/_sandbox/stats', { headers: { host } });
        expect(stats.status, host).toBe(403);
        expect(stats.text).not.toMatch(/faultLog/);
        const put = await call(open, 'PUT', '/_sandbox/faults', { headers: json({ host }), body: PLAN });
        expect(put.status, host).toBe(403);
      }
      expect((await generate(open)).status).toBe(200);
      for (const host of [
        `127.0.0.1:${open.port}`,
        `localhost:${open.port}`,
        `LOCALHOST:${open.port}`,
        `[::1]:${open.port}`,
      ]) {
        expect((await call(open, 'GET', '/_sandbox/stats', { headers: { host } })).status, host).toBe(200);
      }
    } finally {
      await call(open, 'DELETE', '/_sandbox/faults');
    }
  });

  it('refuses a request from a foreign Origin on the control routes, and accepts its own origin', async () => {
    try {
      for (const origin of [
        'http://evil.example',
        'null',
        `http://evil.example:${open.port}`,
        `https://127.0.0.1:${open.port}`,
      ]) {
        expect((await call(open, 'GET', '/_sandbox/stats', { headers: { origin } })).status, origin).toBe(403);
        expect(
          (await call(open, 'PUT', '/_sandbox/faults', { headers: json({ origin }), body: PLAN })).status,
          origin,
        ).toBe(403);
        expect((await call(open, 'POST', '/_sandbox/stats/reset', { headers: { origin } })).status, origin).toBe(403);
      }
      expect((await generate(open)).status).toBe(200);
      expect((await call(open, 'GET', '/_sandbox/stats', { headers: { origin: open.url } })).status).toBe(200);
    } finally {
      await call(open, 'DELETE', '/_sandbox/faults');
    }
  });

  it('with --key, refuses the control routes without the bearer token or with a wrong one (401), never echoing the key', async () => {
    const wrong = `${SANDBOX_KEY.slice(0, -1)}x`;
    try {
      const refused = [
        await call(keyed, 'GET', '/_sandbox/stats'),
        await call(keyed, 'GET', '/_sandbox/stats', { headers: bearer(wrong) }),
        await call(keyed, 'GET', '/_sandbox/stats', { headers: { authorization: SANDBOX_KEY } }),
        await call(keyed, 'PUT', '/_sandbox/faults', { headers: json(bearer(wrong)), body: PLAN }),
        await call(keyed, 'POST', '/_sandbox/stats/reset', { headers: bearer('') }),
        await call(keyed, 'DELETE', '/_sandbox/faults', { headers: bearer(`${SANDBOX_KEY}x`) }),
      ];
      expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
      for (const r of refused) expect(r.text).not.toContain(SANDBOX_KEY.slice(-12));
      expect((await generate(keyed, SANDBOX_KEY)).status).toBe(200);

      const stats = await call(keyed, 'GET', '/_sandbox/stats', { headers: bearer(SANDBOX_KEY) });
      expect(stats.status).toBe(200);
      expect(stats.json.generations.openai).toBeGreaterThan(0);
      expect(
        (await call(keyed, 'PUT', '/_sandbox/faults', { headers: json(bearer(SANDBOX_KEY)), body: PLAN })).status,
      ).toBe(200);
      expect((await generate(keyed, SANDBOX_KEY)).status).toBe(500);
      expect(await settledOutput(keyed)).not.toContain(SANDBOX_KEY.slice(-12));
    } finally {
      await call(keyed, 'DELETE', '/_sandbox/faults', { headers: bearer(SANDBOX_KEY) });
    }
  });

  it('keeps memory bounded while the oversized fault is fetched again and again (5 × 256 MiB by URL, 2 × inline)', async () => {
    const big = await startSandboxCli(['--quiet']);
    try {
      const size = 256 * MiB;
      const oversizedHeaders = (bytes: number): Record<string, string> =>
        json({ ...bearer('any-key'), 'x-sandbox-fault': 'oversized', 'x-sandbox-oversized-bytes': String(bytes) });
      /** The path of an image URL whose image is padded to `bytes`. */
      const issue = async (bytes: number): Promise<string> => {
        const body = JSON.stringify({ ...JSON.parse(GENERATION), response_format: 'url' });
        const res = await call(big, 'POST', '/openai/v1/images/generations', {
          headers: oversizedHeaders(bytes),
          body,
        });
        const url = new URL(res.json.data[0].url);
        return url.pathname + url.search;
      };
      // Warm-up: the renderer and its thread pool, a small oversized image both ways.
      await drain(big, 'GET', await issue(MiB));
      await drain(big, 'POST', '/openai/v1/images/generations', oversizedHeaders(MiB), GENERATION);
      const before = big.memory();

      const image = await issue(size);
      for (let i = 0; i < 5; i++) {
        const got = await drain(big, 'GET', image);
        expect(got.status).toBe(200);
        expect(got.bytes).toBe(got.length);
        expect(got.bytes).toBeGreaterThanOrEqual(size);
      }
      for (let i = 0; i < 2; i++) {
        const got = await drain(big, 'POST', '/openai/v1/images/generations', oversizedHeaders(size), GENERATION);
        expect(got.status).toBe(200);
        expect(got.bytes).toBe(got.length);
        expect(got.bytes).toBeGreaterThanOrEqual((size * 4) / 3);
      }
      const after = big.memory();
      // Building the padded image once per fetch took 512 MiB at a time (the padding and its copy).
      expect((after.peak - before.peak) / MiB).toBeLessThan(64);
      expect((after.rss - before.rss) / MiB).toBeLessThan(64);
    } finally {
      await big.close();
    }
  });

  it('bounds the token-bucket map and the fault log under a flood of distinct keys and faults', async () => {
    // The documented defaults: 10,000 rate-limit buckets, 10,000 fault-log entries.
    const BOUND = 10_000;
    const limited = await startSandboxCli(['--quiet', '--rate-limit', '1/0']);
    try {
      const fault = { 'x-sandbox-fault': 'server-error' };
      const post = (key: string): Promise<number> =>
        fetch(`${limited.url}/openai/v1/images/generations`, {
          method: 'POST',
          headers: json({ ...bearer(key), ...fault }),
          body: '{}',
        }).then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        });
      expect(await post('first-client')).toBe(500); // its one token, spent on an injected fault
      expect(await post('first-client')).toBe(429); // its bucket remembers it

      let next = 0;
      const statuses = new Map<number, number>();
      const worker = async (): Promise<void> => {
        while (next < BOUND) {
          const status = await post(`flood-${next++}-${'k'.repeat(64)}`);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      expect(Object.fromEntries(statuses)).toEqual({ 500: BOUND });

      // Ten thousand newer keys pushed the first client's bucket out: it starts afresh.
      expect(await post('first-client')).toBe(500);
      const stats = (await (await fetch(`${limited.url}/_sandbox/stats`)).json()) as {
        faults: Record<string, number>;
        faultLog: Array<{ requestId: string }>;
      };
      expect(stats.faults['server-error']).toBe(BOUND + 2);
      expect(stats.faultLog.length).toBeLessThanOrEqual(BOUND);
      expect(stats.faultLog.length).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('answers a bad % escape in a model id, or a malformed request target, with 400 in the envelope and no stack in the log', async () => {
    const envelopes = {
      together: (body: any) => body.error.message, // eslint-disable-line @typescript-eslint/no-explicit-any
      openai: (body: any) => body.error.message, // eslint-disable-line @typescript-eslint/no-explicit-any
      r9s: (body: any) => body.status === 400 && body.error.message, // eslint-disable-line @typescript-eslint/no-explicit-any
      'ai-stats': (body: any) => typeof body.error === 'string' && body.message, // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    for (const [provider, messageOf] of Object.entries(envelopes)) {
      for (const id of ['%E0%A4%A', '%', 'flux%zz', '%C0%AF']) {
        const res = await call(open, 'GET', `/${provider}/v1/models/${id}`, { headers: bearer('any-key') });
        expect(res.status, `${provider} ${id}`).toBe(400);
        expect(res.headers['content-type']).toBe('application/json');
        expect(messageOf(res.json), `${provider} ${id}: ${res.text}`).toMatch(/model id/i);
      }
    }
    for (const target of ['http://[/', 'http://%/together/v1/models', 'http://a:b@/x']) {
      const raw = await rawRequest(open, `GET ${target} HTTP/1.1`);
      expect(raw, target).toMatch(/^HTTP\/1\.1 400 /);
      expect(raw).toMatch(/"error"/);
    }
    const output = await settledOutput(open);
    expect(output).not.toMatch(/internal error/);
    expect(output).not.toMatch(/\n\s+at /);
  });
});
