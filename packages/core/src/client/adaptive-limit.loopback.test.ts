import { afterEach, describe, expect, it } from 'vitest';
import { togetherBody } from '../__fixtures__/images-response.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import type { PictorClient } from './client.js';
import { createPictorClient } from './node-client.js';

// A provider with a token bucket per key that says where it stands on every answer, as OpenAI does: limit, what
// remains, and how long until the bucket is full again; a refused call gets 429 with Retry-After.

const open: Array<TestServer | PictorClient> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function limitedProvider(capacity: number, perSecond: number) {
  let tokens = capacity;
  let updated = Date.now();
  const counts = { ok: 0, refused: 0 };
  const server = await startTestServer(async (req, res) => {
    const now = Date.now();
    tokens = Math.min(capacity, tokens + ((now - updated) / 1000) * perSecond);
    updated = now;
    const take = tokens >= 1;
    if (take) tokens -= 1;
    const headers = {
      'x-ratelimit-limit-requests': String(capacity),
      'x-ratelimit-remaining-requests': String(Math.floor(tokens)),
      'x-ratelimit-reset-requests': `${Math.ceil(((capacity - tokens) / perSecond) * 1000)}ms`,
    };
    if (!take) {
      counts.refused++;
      const wait = Math.ceil(((1 - tokens) / perSecond) * 1000);
      return sendJson(
        res,
        429,
        { error: { message: 'rate limited', type: 'requests' } },
        { ...headers, 'retry-after-ms': String(wait) },
      );
    }
    counts.ok++;
    const { n } = JSON.parse(req.body) as { n: number };
    await new Promise((resolve) => setTimeout(resolve, 20));
    sendJson(res, 200, togetherBody(n), headers);
  });
  open.push(server);
  return { server, counts };
}

function client(url: string, options: Parameters<typeof createPictorClient>[0] = {}): PictorClient {
  const c = createPictorClient({
    provider: 'custom',
    dialect: 'together',
    baseURL: url,
    model: 'test-model',
    maxRetries: 10,
    retryDelay: { initialMs: 5, maxMs: 50 },
    ...options,
  });
  open.push(c);
  return c;
}

describe('the adaptive limit against a provider that limits requests per window', () => {
  it('paces calls by the rate-limit headers: (almost) nothing bounces off the limit', async () => {
    const { server, counts } = await limitedProvider(3, 8);
    const result = await client(server.url).generate({ prompt: 'p', n: 48 }); // 12 calls of 4
    expect(result.images).toHaveLength(48);
    expect(counts.ok).toBe(12);
    // The first window's calls start before any header is known; after that the headers pace the rest.
    expect(counts.refused).toBeLessThanOrEqual(1);
  });

  it('is what a fixed cap of 8 is not: that one bounces off the limit again and again', async () => {
    const { server, counts } = await limitedProvider(3, 8);
    const result = await client(server.url, { adaptiveConcurrency: false, concurrency: 8 }).generate({
      prompt: 'p',
      n: 48,
    });
    expect(result.images).toHaveLength(48);
    expect(counts.refused).toBeGreaterThan(5);
  });

  // Two clients with limits of their own bounce 7–9 times here: sharing the provider's allowance is what saves them.
  it('is shared by every client of the same provider and key', async () => {
    const { server, counts } = await limitedProvider(3, 8);
    const [a, b] = [client(server.url, { apiKey: 'k1' }), client(server.url, { apiKey: 'k1' })];
    const results = await Promise.all([a.generate({ prompt: 'a', n: 24 }), b.generate({ prompt: 'b', n: 24 })]);
    expect(results.map((r) => r.images.length)).toEqual([24, 24]);
    expect(counts.refused).toBeLessThanOrEqual(3);
  });
});

describe("Together's 429, which has no Retry-After", () => {
  it('waits the x-ratelimit-reset it gives before retrying', async () => {
    const server = await startTestServer((req, res, count) => {
      if (count === 1) {
        return sendJson(
          res,
          429,
          { error: { message: 'dynamic request limit', type: 'dynamic_request_limited' } },
          { 'x-ratelimit-reset': '0.25' },
        );
      }
      sendJson(res, 200, togetherBody((JSON.parse(req.body) as { n: number }).n));
    });
    open.push(server);
    const delays: number[] = [];
    const result = await client(server.url, { onRetry: (event) => delays.push(event.delayMs) }).generate({
      prompt: 'p',
    });
    expect(result.images).toHaveLength(1);
    expect(delays).toEqual([250]);
  });
});
