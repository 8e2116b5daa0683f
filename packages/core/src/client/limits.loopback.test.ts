import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { DownloadError, ResponseValidationError, TimeoutError, ValidationError } from '../errors/index.js';
import { createPictorClient as createFetchClient } from './fetch-client.js';
import { createPictorClient } from './node-client.js';
import type { PictorClient } from './client.js';

// The security review's limits and secrets (issue 14, items 5-7) at the client, over real loopback HTTP.

const KEY = 'sk-limits-SECRET-7731';
const PNG = makePng(4, 4);
const open: Array<TestServer | PictorClient> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function server(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const s = await startTestServer(handler);
  open.push(s);
  return s;
}

function client(baseURL: string, options: Parameters<typeof createPictorClient>[0] = {}): PictorClient {
  const c = createPictorClient({
    provider: 'custom',
    baseURL,
    apiKey: KEY,
    model: 'm',
    retryDelay: { initialMs: 1, maxMs: 5 },
    ...options,
  });
  open.push(c);
  return c;
}

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

const okBody = (extra: Record<string, unknown> = {}) => ({
  created: 1,
  data: [{ b64_json: PNG.toString('base64'), ...extra }],
});

describe('the key is checked before the network', () => {
  it.each([`${KEY}\r\nX-Injected: 1`, `${KEY}\nx`, `a${KEY}\u0000`, `${KEY} more`, `${KEY}\u2026`])(
    'refuses %j as an apiKey',
    async (apiKey) => {
      const s = await server((req, res) => sendJson(res, 200, okBody()));
      let error: unknown;
      try {
        await client(`${s.url}/v1`, { apiKey }).generate({ prompt: 'x' });
      } catch (caught) {
        error = caught;
      }
      expect(ValidationError.isInstance(error), String(error)).toBe(true);
      expect((error as ValidationError).fields).toEqual(['apiKey']);
      expect((error as Error).message).not.toContain(KEY);
      expect(s.requests).toHaveLength(0);
    },
  );

  it('trims a key read with its trailing newline, and refuses a header value with a line break', async () => {
    const s = await server((req, res) => sendJson(res, 200, okBody()));
    await client(`${s.url}/v1`, { apiKey: `${KEY}\n` }).generate({ prompt: 'x' });
    expect(s.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(() => client(`${s.url}/v1`, { headers: { 'x-team': 'a\r\nx-evil: 1' } })).toThrow(
      /headers\.x-team: must not contain line breaks/,
    );
  });
});

describe('a successful answer', () => {
  it('keeps the key out of the result when it echoes it (revised_prompt, id, request id, usage, url)', async () => {
    const images = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
    });
    const s = await server((req, res) =>
      sendJson(
        res,
        200,
        {
          id: `gen-${KEY}`,
          created: 1,
          data: [{ url: `${images.url}/${KEY}/a.png`, revised_prompt: `for ${KEY}` }],
          usage: { who: [KEY] },
        },
        { 'x-request-id': `req-${KEY}` },
      ),
    );
    const result = await client(`${s.url}/v1`).generate({ prompt: 'x' });
    expect(result.images).toHaveLength(1);
    expect(images.requests[0]?.url).toBe(`/${KEY}/a.png`); // fetched as served
    const shown = JSON.stringify(result);
    expect(shown).not.toContain(KEY);
    expect(result.images[0]?.revisedPrompt).toBe('for [redacted]');
    expect(result.calls[0]?.requestId).toBe('req-[redacted]');
  });

  it('cuts a revised_prompt longer than a prompt may be', async () => {
    const s = await server((req, res) => sendJson(res, 200, okBody({ revised_prompt: 'r'.repeat(40_000) })));
    const [image] = (await client(`${s.url}/v1`).generate({ prompt: 'x' })).images;
    expect(image?.revisedPrompt).toHaveLength(32_000);
    expect(image?.revisedPrompt?.endsWith('…')).toBe(true);
  });

  it('is refused once its text besides the images passes 1 MiB, without reading the rest', async () => {
    let written = 0;
    const s = await server(async (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"created":1,"data":[{"b64_json":"${PNG.toString('base64')}","revised_prompt":"`);
      const chunk = Buffer.alloc(256 * 1024, 'a');
      for (let i = 0; i < 64 && !res.destroyed; i++) {
        written += chunk.length;
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      res.end('"}]}');
    });
    const error = await rejection(client(`${s.url}/v1`, { maxRetries: 0 }).generate({ prompt: 'x' }));
    expect(ResponseValidationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/more than 1048576 bytes of text/);
    expect(written).toBeLessThan(64 * 256 * 1024);
  });
});

describe('the deadline of a call', () => {
  /** Sends a valid answer one byte at a time, each within the idle timeout. */
  async function dripServer(): Promise<{ server: TestServer; finished: () => boolean }> {
    let finished = false;
    const s = await server(async (req, res) => {
      const body = Buffer.from(JSON.stringify(okBody()));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      for (const byte of body) {
        if (res.destroyed) return;
        res.write(Buffer.of(byte));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      finished = true;
      res.end();
    });
    return { server: s, finished: () => finished };
  }

  it.each([
    ['undici', (baseURL: string, options: Parameters<typeof createPictorClient>[0]) => client(baseURL, options)],
    [
      'fetch',
      (baseURL: string, options: Parameters<typeof createPictorClient>[0]) => {
        const c = createFetchClient({ provider: 'custom', baseURL, model: 'm', ...options });
        open.push(c);
        return c;
      },
    ],
  ])('over %s: a drip-fed answer stops at deadlineMs, with a TimeoutError, and is not retried', async (_name, make) => {
    const drip = await dripServer();
    const error = await rejection(
      make(`${drip.server.url}/v1`, { timeoutMs: 2000, deadlineMs: 600, maxRetries: 2 }).generate({ prompt: 'x' }),
    );
    expect(TimeoutError.isInstance(error), String(error)).toBe(true);
    expect((error as TimeoutError).message).toBe(
      'generate() did not finish within its deadline of 600 ms (deadlineMs)',
    );
    expect(drip.finished()).toBe(false);
    expect(drip.server.requests).toHaveLength(1);
  });

  it('a generate() option overrides the client deadline', async () => {
    const drip = await dripServer();
    const error = await rejection(
      client(`${drip.server.url}/v1`, { deadlineMs: 600_000 }).generate({ prompt: 'x' }, { deadlineMs: 300 }),
    );
    expect((error as Error).message).toMatch(/deadline of 300 ms/);
  });
});

describe('deadlines and model lists', () => {
  it('refuses a per-call deadline beyond 24 hours before any call (Node timers fire at once past 2^31 ms)', async () => {
    const s = await server((req, res) => sendJson(res, 200, okBody()));
    const error = await rejection(client(`${s.url}/v1`).generate({ prompt: 'x' }, { deadlineMs: 2 ** 31 }));
    expect(ValidationError.isInstance(error), String(error)).toBe(true);
    expect((error as ValidationError).fields).toEqual(['deadlineMs']);
    expect(s.requests).toHaveLength(0);
  });

  it('a model list whose body stalls is a TimeoutError, not "did not answer with JSON"', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"object":"list","data":[{"id":"gpt-ima');
    });
    const error = await rejection(client(`${s.url}/v1`, { timeoutMs: 300, maxRetries: 0 }).listModels());
    expect(TimeoutError.isInstance(error), String(error)).toBe(true);
  });

  it('a model list over its size limit is refused once, not parsed as broken JSON and fetched again', async () => {
    const big = JSON.stringify({ object: 'list', data: [{ id: 'gpt-image-1', pad: 'x'.repeat(17 * 1024 * 1024) }] });
    const s = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(big);
    });
    const error = await rejection(client(`${s.url}/v1`, { maxRetries: 2 }).listModels());
    expect(ResponseValidationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/larger than/);
    expect(s.requests).toHaveLength(1);
  });
});

describe('request limits before any call', () => {
  it('refuses providerOptions nested 3,000 deep, naming the field', async () => {
    const s = await server((req, res) => sendJson(res, 200, okBody()));
    let nested: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 3000; i++) nested = { a: nested };
    const error = await rejection(client(`${s.url}/v1`).generate({ prompt: 'x', providerOptions: nested }));
    expect(ValidationError.isInstance(error), String(error)).toBe(true);
    expect((error as ValidationError).issues).toEqual([
      { field: 'providerOptions', message: 'must not be nested deeper than 16 levels' },
    ]);
    expect(s.requests).toHaveLength(0);
  });
});

describe('downloads and internal addresses, through the client', () => {
  it('refuses an image URL on loopback when the provider looks public, and allows it when asked', async () => {
    const internal = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
    });
    const api = await server((req, res) =>
      sendJson(res, 200, { created: 1, data: [{ url: `${internal.url}/secret.png` }] }),
    );
    const port = new URL(api.url).port;
    const resolveHost = async (host: string) =>
      host === 'api.gateway.example' ? ['127.0.0.1'] : Promise.reject(new Error('unknown'));
    const baseURL = `http://api.gateway.example:${port}/v1`;
    const error = await rejection(client(baseURL, { resolveHost, maxRetries: 0 }).generate({ prompt: 'x' }));
    expect(DownloadError.isInstance(error), String(error)).toBe(true);
    expect((error as DownloadError).reason).toBe('private-address');
    expect(internal.requests).toHaveLength(0);

    const allowed = await client(baseURL, { resolveHost, download: { allowPrivateAddresses: true } }).generate({
      prompt: 'x',
    });
    expect(allowed.images).toHaveLength(1);
    expect(internal.requests).toHaveLength(1);
  });

  it('allows it when the provider itself is on loopback (the sandbox, a self-hosted gateway)', async () => {
    const internal = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
    });
    const api = await server((req, res) =>
      sendJson(res, 200, { created: 1, data: [{ url: `${internal.url}/a.png` }] }),
    );
    expect((await client(`${api.url}/v1`).generate({ prompt: 'x' })).images).toHaveLength(1);
  });
});
