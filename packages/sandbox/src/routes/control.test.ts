import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../start-sandbox.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** node:http rather than fetch: it lets a test send any Host header. */
function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sandbox.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: text ? JSON.parse(text) : undefined }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const PLAN = JSON.stringify([{ fault: 'quota' }]);

describe('control routes', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ publicUrl: 'http://sandbox.test:9999/' });
  });
  afterAll(() => sandbox.close());

  it('take a JSON body only (415 otherwise), and answer a bad plan with 400 and a too large one with 413', async () => {
    expect((await call(sandbox, 'PUT', '/_sandbox/faults', { 'content-type': 'text/plain' }, PLAN)).status).toBe(415);
    expect((await call(sandbox, 'PUT', '/_sandbox/faults', { 'content-type': 'application/jsonp' }, PLAN)).status).toBe(
      415,
    );
    expect((await call(sandbox, 'POST', '/_sandbox/stats/reset', {}, 'x')).status).toBe(415);
    const typed = await call(
      sandbox,
      'PUT',
      '/_sandbox/faults',
      { 'content-type': 'Application/JSON; charset=utf-8' },
      PLAN,
    );
    expect(typed.status).toBe(200);
    expect((await call(sandbox, 'DELETE', '/_sandbox/faults')).status).toBe(200);
    expect((await call(sandbox, 'POST', '/_sandbox/stats/reset')).status).toBe(200);

    const broken = await call(sandbox, 'PUT', '/_sandbox/faults', JSON_TYPE, '[{');
    expect(broken.status).toBe(400);
    expect(broken.json.error).toMatchObject({
      code: 'invalid_fault_plan',
      message: expect.stringMatching(/not valid JSON/),
    });
    const unknown = await call(sandbox, 'PUT', '/_sandbox/faults', JSON_TYPE, '[{"fault":"meteor"}]');
    expect(unknown.json.error.message).toMatch(/steps\[0\]\.fault must be one of/);
    expect((await call(sandbox, 'PUT', '/_sandbox/faults', JSON_TYPE, `"${'x'.repeat(2 << 20)}"`)).status).toBe(413);
  });

  it('answer only a Host naming the sandbox: its loopback names and port, or the publicUrl', async () => {
    const port = sandbox.port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      'sandbox.test:9999',
      'SANDBOX.TEST:9999',
    ]) {
      expect((await call(sandbox, 'GET', '/_sandbox/stats', { host })).status, host).toBe(200);
    }
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `localhost:${port + 1}`,
      'sandbox.test',
      `user@127.0.0.1:${port}`,
    ]) {
      const res = await call(sandbox, 'GET', '/_sandbox/stats', { host });
      expect(res.status, host).toBe(403);
      expect(res.json.error.code).toBe('host_not_allowed');
    }
    // The API routes are not the control routes: a stand-in answers whatever name it is reached by.
    expect(
      (await call(sandbox, 'GET', '/openai/v1/models', { host: 'evil.example', authorization: 'Bearer k' })).status,
    ).toBe(200);
  });

  it('refuse requests from any origin but their own', async () => {
    for (const origin of [sandbox.url, `http://localhost:${sandbox.port}`, 'http://sandbox.test:9999']) {
      expect((await call(sandbox, 'GET', '/_sandbox/stats', { origin })).status, origin).toBe(200);
    }
    for (const origin of [
      'http://evil.example',
      'null',
      `${sandbox.url}/`,
      `https://localhost:${sandbox.port}`,
      'http://sandbox.test',
    ]) {
      const res = await call(sandbox, 'DELETE', '/_sandbox/faults', { origin });
      expect(res.status, origin).toBe(403);
      expect(res.json.error.code).toBe('origin_not_allowed');
    }
  });
});

describe('control routes of a sandbox started with a key', () => {
  const key = 'sk-control-0123456789abcdef';
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: key });
  });
  afterAll(() => sandbox.close());

  it('need it as a bearer token (401 without it or with another), and never show it', async () => {
    const refused = [
      await call(sandbox, 'GET', '/_sandbox/stats'),
      await call(sandbox, 'GET', '/_sandbox/stats', { authorization: `Bearer ${key.slice(0, -1)}` }),
      await call(sandbox, 'GET', '/_sandbox/stats', { authorization: `Basic ${key}` }),
      await call(sandbox, 'PUT', '/_sandbox/faults', { ...JSON_TYPE, authorization: `Bearer ${key}0` }, PLAN),
    ];
    expect(refused.map((r) => [r.status, r.json.error.code])).toEqual([
      [401, 'missing_api_key'],
      [401, 'invalid_api_key'],
      [401, 'missing_api_key'],
      [401, 'invalid_api_key'],
    ]);
    for (const r of refused) {
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(r.text).not.toContain(key.slice(-8));
    }
    expect(sandbox.stats.faults.quota).toBe(0);
    const put = await call(sandbox, 'PUT', '/_sandbox/faults', { ...JSON_TYPE, authorization: `Bearer ${key}` }, PLAN);
    expect(put.status).toBe(200);
    expect((await call(sandbox, 'GET', '/_sandbox/stats', { authorization: `bearer  ${key} ` })).status).toBe(200);
  });
});

describe('startSandbox publicUrl', () => {
  it('must be an absolute http(s) URL, since the control routes trust its host', async () => {
    await expect(startSandbox({ publicUrl: 'sandbox.test:9999' })).rejects.toThrow(
      /publicUrl must be an absolute http\(s\) URL/,
    );
    await expect(startSandbox({ publicUrl: 'ftp://sandbox.test' })).rejects.toThrow(/publicUrl/);
  });
});
