import fc from 'fast-check';
import { Agent } from 'undici';
import { createUndiciTransport } from '../http/undici-transport.js';
import type { Transport } from '../http/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { createPictorClient } from '../client/node-client.js';
import { downloadImage } from './download-image.js';
import { DownloadError } from '../errors/index.js';

// download-image.test.ts pins single cases (3 redirects of 3, a body of exactly maxBytes, five refused schemes).
// These sweep the boundaries as properties over loopback HTTP: a chain of L redirects under a cap of C, a body of
// S bytes under a cap of M (declared or streamed, cut anywhere), any scheme but http(s), and the same limits
// applied to URLs a provider returns through client.generate.

const PNG = makePng(4, 4);
const REDIRECTS = [301, 302, 303, 307, 308];

let server: TestServer;
let agent: Agent;
/** Per request path: how the next answer goes (set by each property run). */
let plan: { body: Buffer; declareLength: boolean; cuts: number[]; redirectStatus: number; absolute: boolean };

beforeAll(async () => {
  server = await startTestServer(async (req, res) => {
    const hop = /^\/r\/(\d+)/.exec(req.url);
    if (hop && Number(hop[1]) > 0) {
      const next = `/r/${Number(hop[1]) - 1}`;
      res.writeHead(plan.redirectStatus, {
        location: plan.absolute ? `http://${req.headers.host}${next}` : next,
        'content-length': 0,
      });
      return res.end();
    }
    if (req.url.startsWith('/r/') || req.url.startsWith('/body')) {
      res.writeHead(200, {
        'content-type': 'image/png',
        ...(plan.declareLength ? { 'content-length': plan.body.length } : {}),
      });
      let start = 0;
      for (const cut of plan.cuts.map((c) => c % (plan.body.length + 1)).sort((a, b) => a - b)) {
        res.write(plan.body.subarray(start, cut));
        start = cut;
      }
      return res.end(plan.body.subarray(start));
    }
    res.writeHead(404);
    res.end();
  });
  agent = new Agent();
});
afterAll(async () => {
  // close() resolves only when every body was read or destroyed: a leak would hang here.
  await agent.close();
  await server.close();
});

async function attempt(url: string, options: { maxRedirects?: number; maxBytes?: number; transport?: Transport }) {
  return downloadImage(url, {
    transport: createUndiciTransport({ dispatcher: agent }),
    timeoutMs: 5_000,
    allowPrivateAddresses: true,
    ...options,
  }).then(
    (got) => ({ ok: true as const, got }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

describe('download limits (property, loopback HTTP)', () => {
  it('a chain of L redirects succeeds iff L <= maxRedirects, after min(L, C) + 1 requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(...REDIRECTS),
        fc.boolean(),
        async (hops, cap, redirectStatus, absolute) => {
          plan = { body: PNG, declareLength: true, cuts: [], redirectStatus, absolute };
          const before = server.requests.length;
          const result = await attempt(`${server.url}/r/${hops}`, { maxRedirects: cap });
          const made = server.requests.length - before;
          if (hops <= cap) {
            expect(result.ok).toBe(true);
            if (result.ok) expect(result.got.bytes.equals(PNG)).toBe(true);
            expect(made).toBe(hops + 1);
          } else {
            expect(result.ok).toBe(false);
            if (!result.ok) expect(result.error).toMatchObject({ name: 'DownloadError', reason: 'too-many-redirects' });
            expect(made).toBe(cap + 1);
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a body of S bytes succeeds iff S <= maxBytes, whether its length is declared or streamed in any pieces', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 0, max: 3 * 4096 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 5 }),
        async (maxBytes, size, declareLength, cuts) => {
          plan = { body: Buffer.alloc(size, 0xab), declareLength, cuts, redirectStatus: 302, absolute: false };
          const result = await attempt(`${server.url}/body`, { maxBytes });
          if (size <= maxBytes) {
            expect(result.ok).toBe(true);
            if (result.ok) expect(result.got.bytes.length).toBe(size);
          } else {
            expect(result.ok).toBe(false);
            if (!result.ok) expect(result.error).toMatchObject({ name: 'DownloadError', reason: 'too-large' });
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  const scheme = fc
    .oneof(
      fc.constantFrom(
        'file',
        'ftp',
        'data',
        'javascript',
        'gopher',
        'ws',
        'wss',
        'blob',
        'about',
        'chrome',
        'httpx',
        'https+unix',
      ),
      fc.stringMatching(/^[a-z][a-z0-9+.-]{0,8}$/),
    )
    .filter((s) => s !== 'http' && s !== 'https');

  it('any scheme but http(s) is refused before any request is sent', async () => {
    const refuse: Transport = {
      send: () => {
        throw new Error('no request may be sent');
      },
    };
    await fc.assert(
      fc.asyncProperty(scheme, fc.webPath(), async (s, path) => {
        const result = await attempt(`${s}://host.example${path}`, { transport: refuse });
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(DownloadError.isInstance(result.error)).toBe(true);
          expect((result.error as DownloadError).reason).toBe('protocol');
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the client applies its download limits to the URLs a provider returns', async () => {
    const gateway = await startTestServer((req, res) => {
      const url = JSON.parse(req.body).prompt as string;
      sendJson(res, 200, {
        id: 'x',
        model: 'm',
        object: 'list',
        data: [{ index: 0, type: 'url', url: url.replace('ORIGIN', server.url) }],
      });
    });
    const client = createPictorClient({
      provider: 'custom',
      dialect: 'together',
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sk-dl-0000',
      model: 'm',
      download: { maxRedirects: 1, maxBytes: 1024 },
    });
    try {
      const reason = (prompt: string) =>
        client.generate({ prompt, responseFormat: 'url' }).then(
          () => 'ok',
          (e: unknown) => (DownloadError.isInstance(e) ? e.reason : String(e)),
        );
      plan = { body: PNG, declareLength: true, cuts: [], redirectStatus: 302, absolute: false };
      expect(await reason('ORIGIN/r/1')).toBe('ok');
      expect(await reason('ORIGIN/r/2')).toBe('too-many-redirects');
      for (const url of [
        'file:///etc/passwd',
        'ftp://ORIGIN/x.png',
        'data:image/png;base64,iVBORw0KGgo=',
        'javascript:alert(1)',
      ]) {
        expect(await reason(url)).toBe('protocol');
      }
      plan = {
        body: Buffer.concat([PNG, Buffer.alloc(2048)]),
        declareLength: false,
        cuts: [100],
        redirectStatus: 302,
        absolute: false,
      };
      expect(await reason('ORIGIN/body')).toBe('too-large');
    } finally {
      await client.close();
      await gateway.close();
    }
  });
});
