import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { togetherBody } from '../__fixtures__/images-response.js';
import { makePng } from '../__fixtures__/make-png.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { createFetchTransport } from '../http/fetch-transport.js';
import type { Transport } from '../http/transport.js';
import { createPictorClient } from './node-client.js';
import type { PictorClient } from './client.js';
import {
  AbortError,
  ConnectionError,
  type DownloadError,
  RateLimitError,
  ResponseValidationError,
  ServiceUnavailableError,
  TimeoutError,
} from '../errors/index.js';

const KEY = 'sk-loopback-SECRET-42';
const open: Array<TestServer | PictorClient> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function server(handler: Parameters<typeof startTestServer>[0]) {
  const s = await startTestServer(handler);
  open.push(s);
  return s;
}

/**
 * Every behaviour above the transport seam (timeouts, retries, typed errors, decoding, downloads, batching) is
 * checked through both transports core ships: undici (the Node default) and WHATWG fetch.
 */
const TRANSPORTS: Array<[string, () => Transport | undefined]> = [
  ['undici', () => undefined],
  ['fetch', () => createFetchTransport()],
];
let makeTransport: () => Transport | undefined = () => undefined;

function client(url: string, options: Parameters<typeof createPictorClient>[0] = {}) {
  const transport = makeTransport();
  const c = createPictorClient({
    ...(transport ? { transport } : {}),
    provider: 'custom',
    dialect: 'together',
    baseURL: `${url}/v1`,
    apiKey: KEY,
    model: 'test-model',
    retryDelay: { initialMs: 5, maxMs: 20 },
    ...options,
  });
  open.push(c);
  return c;
}

describe.each(TRANSPORTS)('over %s', (_name, transport) => {
  beforeEach(() => {
    makeTransport = transport;
  });

  describe('timeouts, resets and retries over real loopback HTTP', () => {
    it('gives up on headers that do not come within timeoutMs, with a TimeoutError', async () => {
      // Never answers: undici checks its headers timeout on a coarse (~0.5 s) clock, so a reply that is merely
      // late could still win on a loaded machine. The handler ends when the client hangs up.
      const s = await server((_req, res) => new Promise((resolve) => res.once('close', resolve)));
      const error = await client(s.url, { timeoutMs: 150, maxRetries: 1 })
        .generate({ prompt: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).message).toMatch(/response headers .* 150 ms/);
      expect((error as TimeoutError).attempts).toBe(2);
      // The retry's 150 ms may run out before a loaded machine even hands its request to the server.
      expect(s.requests.length).toBeGreaterThanOrEqual(1);
      expect(s.requests.length).toBeLessThanOrEqual(2);
    });

    it('gives up on a body that stalls mid-way (body timeout)', async () => {
      const s = await server((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id":"x","model":"m","object":"list","data":[{"index":0,"b64_json":"iVBOR');
      });
      const error = await client(s.url, { timeoutMs: 150, maxRetries: 0 })
        .generate({ prompt: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/body data/);
    });

    it('retries a connection reset mid-body and then succeeds', async () => {
      const s = await server((_req, res, count) => {
        if (count === 1) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
          res.write('{"id":"x","model":"m","object":"list","data":[{"index":0,"b64_json":"iVBORw0KGgo');
          setTimeout(() => res.socket?.destroy(), 10);
          return;
        }
        sendJson(res, 200, togetherBody(1));
      });
      const events: string[] = [];
      const c = client(s.url, { maxRetries: 2, onRetry: (e) => events.push(e.error.name) });
      const result = await c.generate({ prompt: 'x' });
      expect(result.images).toHaveLength(1);
      expect(result.calls[0]!.attempts).toBe(2);
      expect(events).toEqual(['ConnectionError']);
    });

    it('raises ConnectionError when nothing listens', async () => {
      const s = await server((_req, res) => res.end());
      const url = s.url;
      await s.close();
      await expect(client(url, { maxRetries: 0 }).generate({ prompt: 'x' })).rejects.toBeInstanceOf(ConnectionError);
    });

    it('reuses one keep-alive connection for sequential calls', async () => {
      const s = await server((_req, res) => sendJson(res, 200, togetherBody(1)));
      const c = client(s.url);
      for (let i = 0; i < 10; i++) await c.generate({ prompt: `p${i}` });
      expect(s.requests).toHaveLength(10);
      // undici's pool may open a second socket while the first is being released; never one per request.
      expect(s.connections).toBeLessThanOrEqual(2);
      expect(new Set(s.requests.map((r) => r.remotePort)).size).toBe(s.connections);
    });

    it('closes its sockets on close()', async () => {
      const s = await server((_req, res) => sendJson(res, 200, togetherBody(1)));
      const c = createPictorClient({ provider: 'sandbox', baseURL: `${s.url}/v1` });
      await c.generate({ prompt: 'x' });
      expect(s.openSockets()).toBe(1);
      await c.close();
      await vi.waitFor(() => expect(s.openSockets()).toBe(0), { timeout: 5_000, interval: 10 });
    });

    it('honours Retry-After before retrying a 429', async () => {
      const s = await server((_req, res, count) => {
        if (count === 1)
          return sendJson(res, 429, { error: { message: 'slow down', type: 'rate_limit' } }, { 'retry-after': '1' });
        sendJson(res, 200, togetherBody(1));
      });
      const delays: number[] = [];
      const result = await client(s.url, { maxRetries: 1, onRetry: (e) => delays.push(e.delayMs) }).generate({
        prompt: 'x',
      });
      expect(result.images).toHaveLength(1);
      expect(delays).toEqual([1000]);
      expect(s.requests[1]!.at - s.requests[0]!.at).toBeGreaterThanOrEqual(950);
    });

    it('prefers retry-after-ms, and falls back to backoff when Retry-After is beyond 60 s', async () => {
      const s = await server((_req, res, count) => {
        if (count === 1)
          return sendJson(
            res,
            503,
            { error: { message: 'busy', type: 'x' } },
            { 'retry-after-ms': '120', 'retry-after': '5' },
          );
        if (count === 2)
          return sendJson(res, 429, { error: { message: 'busy', type: 'x' } }, { 'retry-after': '3600' });
        sendJson(res, 200, togetherBody(1));
      });
      const delays: number[] = [];
      await client(s.url, { maxRetries: 2, onRetry: (e) => delays.push(e.delayMs) }).generate({ prompt: 'x' });
      expect(delays[0]).toBe(120);
      expect(delays[1]).toBeLessThanOrEqual(20);
    });

    it('surfaces the last error with its attempts once retries run out', async () => {
      const s = await server((_req, res) =>
        sendJson(res, 429, { error: { message: 'slow', type: 'rate_limit' } }, { 'retry-after-ms': '1' }),
      );
      const error = await client(s.url, { maxRetries: 2 })
        .generate({ prompt: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).attempts).toBe(3);
      expect(s.requests).toHaveLength(3);
    });

    it('retries truncated JSON and refuses malformed JSON and invalid base64 with typed errors', async () => {
      const full = JSON.stringify(togetherBody(1));
      let mode = 'truncate';
      const s = await server((_req, res, count) => {
        if (mode === 'truncate' && count === 1) {
          const cut = full.slice(0, full.length / 2);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) });
          return res.end(cut);
        }
        if (mode === 'malformed') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"data": [}');
        }
        if (mode === 'base64')
          return sendJson(res, 200, {
            id: 'x',
            model: 'm',
            object: 'list',
            data: [{ index: 0, b64_json: 'not*base64!' }],
          });
        sendJson(res, 200, togetherBody(1));
      });
      const c = client(s.url, { maxRetries: 1 });
      expect((await c.generate({ prompt: 'x' })).calls[0]!.attempts).toBe(2);
      mode = 'malformed';
      await expect(c.generate({ prompt: 'x' })).rejects.toBeInstanceOf(ResponseValidationError);
      mode = 'base64';
      const e = await c.generate({ prompt: 'x' }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ResponseValidationError);
      expect((e as Error).message).toMatch(/base64/);
    });

    it('refuses a 2xx body that is not an image, or breaks the schema', async () => {
      let body: unknown = {
        id: 'x',
        model: 'm',
        object: 'list',
        data: [{ index: 0, b64_json: Buffer.from('hello world').toString('base64') }],
      };
      const s = await server((_req, res) => sendJson(res, 200, body));
      const c = client(s.url, { maxRetries: 0 });
      await expect(c.generate({ prompt: 'x' })).rejects.toThrow(/not a PNG, JPEG, WebP or GIF/);
      body = { id: 'x', model: 'm', object: 'list', items: [] };
      await expect(c.generate({ prompt: 'x' })).rejects.toThrow(/data/);
    });

    it('aborts on the caller signal and does not retry', async () => {
      // Aborts once the request has arrived (not on a timer, which a loaded machine may beat), and never answers:
      // the handler ends when the aborted client hangs up.
      const controller = new AbortController();
      const s = await server((_req, res) => {
        controller.abort();
        return new Promise((resolve) => res.once('close', resolve));
      });
      const error = await client(s.url, { maxRetries: 3 })
        .generate({ prompt: 'x' }, { signal: controller.signal })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect(s.requests).toHaveLength(1);
    });
  });

  describe('URL responses', () => {
    it('downloads URLs through the same agent, without the API key', async () => {
      const png = makePng(16, 12);
      const s = await server((req, res) => {
        if (req.url.startsWith('/files/')) {
          res.writeHead(200, { 'content-type': 'image/png' });
          return res.end(png);
        }
        const host = req.headers.host;
        sendJson(res, 200, {
          id: 'x',
          model: 'm',
          object: 'list',
          data: [{ index: 0, type: 'url', url: `http://${host}/files/a.png` }],
        });
      });
      const result = await client(s.url).generate({ prompt: 'x', responseFormat: 'url' });
      expect(result.images[0]).toMatchObject({ width: 16, height: 12, mediaType: 'image/png' });
      expect(result.images[0]!.url).toMatch(/\/files\/a\.png$/);
      expect(s.requests[1]!.headers.authorization).toBeUndefined();
    });

    it('reports an expired or oversized URL by index and keeps the other images', async () => {
      const png = makePng(4, 4);
      const s = await server((req, res) => {
        if (req.url === '/files/ok.png') {
          res.writeHead(200, { 'content-type': 'image/jpeg' });
          return res.end(png);
        }
        if (req.url === '/files/expired.png') return sendJson(res, 403, { error: 'Request has expired' });
        if (req.url === '/files/big.png') {
          res.writeHead(200, { 'content-type': 'image/png' });
          return res.end(Buffer.alloc(4096));
        }
        const host = `http://${req.headers.host}`;
        sendJson(res, 200, {
          id: 'x',
          model: 'm',
          object: 'list',
          data: ['ok', 'expired', 'big'].map((name, index) => ({
            index,
            type: 'url',
            url: `${host}/files/${name}.png`,
          })),
        });
      });
      const result = await client(s.url, { download: { maxBytes: 1024 } }).generate({
        prompt: 'x',
        n: 3,
        responseFormat: 'url',
      });
      expect(result.images.map((i) => i.index)).toEqual([0]);
      expect(result.failures.map((f) => [f.index, (f.error as DownloadError).reason])).toEqual([
        [1, 'status'],
        [2, 'too-large'],
      ]);
      expect(result.warnings).toContainEqual({
        type: 'media-type-mismatch',
        index: 0,
        declared: 'image/jpeg',
        actual: 'image/png',
      });
    });
  });

  describe('batching over the per-call maximum', () => {
    it('splits n=10 into calls of 4, 4, 2 with offset seeds and indexes images across calls', async () => {
      const s = await server((req, res) => {
        const body = JSON.parse(req.body) as { n: number; seed: number };
        sendJson(res, 200, togetherBody(body.n, 8, 8, body.seed));
      });
      const result = await client(s.url).generate({ prompt: 'x', n: 10, seed: 100 });
      expect(s.requests.map((r) => JSON.parse(r.body).n).sort()).toEqual([2, 4, 4]);
      expect(result.images.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(result.images.map((i) => i.seed)).toEqual([100, 100, 100, 100, 104, 104, 104, 104, 108, 108]);
      expect(result.calls.map((c) => c.indices)).toEqual([
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
      ]);
    });

    it('keeps the images of calls that succeeded and names failed images by index', async () => {
      const s = await server((req, res) => {
        const body = JSON.parse(req.body) as { n: number; seed: number };
        if (body.seed === 4) return sendJson(res, 503, { error: { message: 'overloaded', type: 'unavailable' } });
        sendJson(res, 200, togetherBody(body.n, 8, 8, body.seed));
      });
      const result = await client(s.url, { maxRetries: 1 }).generate({ prompt: 'x', n: 9, seed: 0 });
      expect(result.images.map((i) => i.index)).toEqual([0, 1, 2, 3, 8]);
      expect(result.failures.map((f) => f.index)).toEqual([4, 5, 6, 7]);
      expect(result.failures[0]!.error).toBeInstanceOf(ServiceUnavailableError);
      expect(result.failures[0]!.error.attempts).toBe(2);
      expect(result.calls.find((c) => !c.ok)?.indices).toEqual([4, 5, 6, 7]);
    });

    it('runs calls concurrently up to the cap', async () => {
      let inFlight = 0;
      let peak = 0;
      const s = await server(async (req, res) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 200)); // long enough for the next call to arrive, on a loaded machine too
        inFlight--;
        sendJson(res, 200, togetherBody(JSON.parse(req.body).n));
      });
      await client(s.url, { concurrency: 2 }).generate({ prompt: 'x', n: 16 });
      expect(s.requests).toHaveLength(4);
      expect(peak).toBe(2);
    });
  });
});
