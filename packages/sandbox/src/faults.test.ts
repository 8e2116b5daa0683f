import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getJson, postJson, rawPost } from './__fixtures__/http.js';
import type { FaultPlan } from './fault-plan.js';
import { PROVIDER_NAMES, type ProviderName } from './providers.js';
import { SpecValidator } from './spec-validator.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

const validator = new SpecValidator();
const FLUX = 'black-forest-labs/FLUX.1-schnell';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function body(provider: ProviderName): Record<string, unknown> {
  switch (provider) {
    case 'together':
      return { model: FLUX, prompt: 'faulty', width: 128, height: 128, response_format: 'base64' };
    case 'openai':
    case 'r9s':
      return { model: 'dall-e-2', prompt: 'faulty', size: '256x256', response_format: 'b64_json' };
    case 'ai-stats':
      return { model: 'openai/dall-e-2', prompt: 'faulty', size: '256x256', response_format: 'b64_json' };
  }
}

describe('fault injection per request (x-sandbox-fault)', () => {
  let sandbox: Sandbox;
  const url = (provider: ProviderName = 'openai') => `${sandbox.urls[provider]}/images/generations`;
  beforeAll(async () => {
    sandbox = await startSandbox({ oversizedBytes: 2 * 1024 * 1024 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.stats.reset());

  describe.each(PROVIDER_NAMES)('%s envelopes', (provider) => {
    it('rate-limit: 429 with Retry-After (default 1 s, settable, 0 allowed)', async () => {
      const res = await postJson(url(provider), body(provider), { 'x-sandbox-fault': 'rate-limit' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(validator.validateError(provider, res.json)).toEqual([]);
      const zero = await postJson(url(provider), body(provider), {
        'x-sandbox-fault': 'rate-limit',
        'x-sandbox-retry-after': '0',
      });
      expect(zero.headers.get('retry-after')).toBe('0');
    });

    it('quota: 429 insufficient_quota without Retry-After', async () => {
      const res = await postJson(url(provider), body(provider), { 'x-sandbox-fault': 'quota' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBeNull();
      expect(validator.validateError(provider, res.json)).toEqual([]);
      if (provider === 'ai-stats') expect(res.json.error).toBe('insufficient_quota');
      else expect(res.json.error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' });
    });

    it('server-error and unavailable: 500 and 503', async () => {
      const a = await postJson(url(provider), body(provider), { 'x-sandbox-fault': 'server-error' });
      const b = await postJson(url(provider), body(provider), { 'x-sandbox-fault': 'unavailable' });
      expect([a.status, b.status]).toEqual([500, 503]);
      expect(validator.validateError(provider, a.json)).toEqual([]);
      expect(validator.validateError(provider, b.json)).toEqual([]);
      if (provider === 'r9s') expect([a.json.status, b.json.status]).toEqual([500, 503]);
    });
  });

  it('records each injected fault with the request id it answered', async () => {
    const res = await postJson(url(), body('openai'), { 'x-sandbox-fault': 'server-error' });
    expect(sandbox.stats.faults['server-error']).toBe(1);
    expect(sandbox.stats.faultLog).toEqual([
      { requestId: res.headers.get('x-request-id'), fault: 'server-error', provider: 'openai', at: expect.any(Number) },
    ]);
  });

  it('reset: sends headers and part of the body, then resets the connection', async () => {
    const outcome = await rawPost(url('together'), body('together'), { 'x-sandbox-fault': 'reset' });
    expect(outcome.status).toBe(200);
    const length = Number(outcome.headers?.['content-length']);
    expect(outcome.headers?.['x-request-id']).toMatch(/^req_/);
    expect(outcome.complete).toBe(false);
    expect(outcome.received.length).toBeGreaterThan(0);
    expect(outcome.received.length).toBeLessThan(length);
    expect(sandbox.stats.faults.reset).toBe(1);
  });

  it('slow-headers: holds the headers past a client timeout, then answers normally', async () => {
    const timedOut = await rawPost(
      url(),
      body('openai'),
      { 'x-sandbox-fault': 'slow-headers' },
      { headersTimeoutMs: 150 },
    );
    expect(timedOut.timedOut).toBe(true);
    const started = performance.now();
    const slow = await postJson(url(), body('openai'), {
      'x-sandbox-fault': 'slow-headers',
      'x-sandbox-delay-ms': '250',
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
    expect(slow.status).toBe(200);
    expect(validator.validateResponse('openai', slow.json)).toEqual([]);
    expect(sandbox.stats.faults['slow-headers']).toBe(2);
  });

  it('truncated-json: cuts the body inside a b64_json string, with an honest Content-Length', async () => {
    const outcome = await rawPost(url('r9s'), body('r9s'), { 'x-sandbox-fault': 'truncated-json' });
    expect(outcome).toMatchObject({ status: 200, complete: true });
    expect(Number(outcome.headers?.['content-length'])).toBe(outcome.received.length);
    const text = outcome.received.toString();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/"b64_json":"[A-Za-z0-9+/]+$/);
  });

  it('truncated-json answers in base64 even when URLs were asked for', async () => {
    const res = await postJson(
      url('together'),
      { ...body('together'), response_format: 'url' },
      { 'x-sandbox-fault': 'truncated-json' },
    );
    expect(res.text).toContain('"b64_json":"');
    expect(res.json).toBeUndefined();
  });

  it('malformed-json: a complete body that is not JSON', async () => {
    const outcome = await rawPost(url('ai-stats'), body('ai-stats'), { 'x-sandbox-fault': 'malformed-json' });
    expect(outcome).toMatchObject({ status: 200, complete: true });
    expect(Number(outcome.headers?.['content-length'])).toBe(outcome.received.length);
    expect(() => JSON.parse(outcome.received.toString())).toThrow(SyntaxError);
  });

  it('invalid-base64: valid JSON whose b64_json has characters outside the alphabet', async () => {
    const res = await postJson(url('together'), body('together'), { 'x-sandbox-fault': 'invalid-base64' });
    expect(res.status).toBe(200);
    expect(validator.validateResponse('together', res.json)).toEqual([]);
    expect(res.json.data[0].b64_json).not.toMatch(BASE64);
  });

  it('oversized: a valid body carrying a huge (still decodable) image', async () => {
    const res = await postJson(url(), body('openai'), {
      'x-sandbox-fault': 'oversized',
      'x-sandbox-oversized-bytes': String(3 * 1024 * 1024),
    });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text));
    const bytes = Buffer.from(res.json.data[0].b64_json, 'base64');
    expect(bytes.length).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 256, height: 256 });
  });

  it('oversized in url mode: the image behind the URL is huge', async () => {
    const res = await postJson(
      url(),
      { ...body('openai'), response_format: 'url' },
      { 'x-sandbox-fault': 'oversized' },
    );
    const image = await fetch(res.json.data[0].url);
    expect(Number(image.headers.get('content-length'))).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(256);
  });

  it('expired-url: answers with a URL that is already expired', async () => {
    const res = await postJson(url('openai'), body('openai'), { 'x-sandbox-fault': 'expired-url' });
    expect(res.status).toBe(200);
    expect(validator.validateResponse('openai', res.json)).toEqual([]);
    const image = await fetch(res.json.data[0].url);
    expect(image.status).toBe(403);
    expect(sandbox.stats.faults['expired-url']).toBe(1);
  });

  it('rejects an unknown fault name', async () => {
    const res = await postJson(url(), body('openai'), { 'x-sandbox-fault': 'meteor' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/Unknown sandbox fault 'meteor'/);
  });
});

describe('the default oversized body', () => {
  it('is over 50 MB and still valid JSON with a decodable image', async () => {
    const sandbox = await startSandbox();
    try {
      const res = await postJson(`${sandbox.urls.openai}/images/generations`, body('openai'), {
        'x-sandbox-fault': 'oversized',
      });
      expect(Number(res.headers.get('content-length'))).toBeGreaterThan(50 * 1024 * 1024);
      const bytes = Buffer.from(res.json.data[0].b64_json, 'base64');
      expect(bytes.length).toBeGreaterThan(50 * 1024 * 1024);
      expect((await sharp(bytes).metadata()).format).toBe('png');
    } finally {
      await sandbox.close();
    }
  });
});

describe('scripted fault plans', () => {
  it('consumes ordered steps per provider, and can be replaced at run time', async () => {
    const plan: FaultPlan = [
      { fault: 'rate-limit', times: 2, provider: 'together', retryAfter: 0 },
      { fault: 'unavailable', provider: 'openai' },
    ];
    const sandbox = await startSandbox({ faults: plan });
    try {
      const together = `${sandbox.urls.together}/images/generations`;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await postJson(together, body('together'))).status);
      expect(statuses).toEqual([429, 429, 200]);
      expect((await postJson(`${sandbox.urls.openai}/images/generations`, body('openai'))).status).toBe(503);
      expect((await postJson(`${sandbox.urls.openai}/images/generations`, body('openai'))).status).toBe(200);
      expect(sandbox.stats.faults).toMatchObject({ 'rate-limit': 2, unavailable: 1, reset: 0 });
      expect(sandbox.stats.faultLog.map((e) => `${e.provider}:${e.fault}`)).toEqual([
        'together:rate-limit',
        'together:rate-limit',
        'openai:unavailable',
      ]);

      sandbox.setFaults([{ fault: 'server-error' }]);
      sandbox.stats.reset();
      expect((await postJson(`${sandbox.urls.r9s}/images/generations`, body('r9s'))).status).toBe(500);
      expect(sandbox.stats.faults['server-error']).toBe(1);
      expect(sandbox.stats.faultLog).toHaveLength(1);

      const put = await fetch(`${sandbox.url}/_sandbox/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ fault: 'quota' }]),
      });
      expect(put.status).toBe(200);
      expect((await postJson(together, body('together'))).json.error.code).toBe('insufficient_quota');
      const stats = await getJson(`${sandbox.url}/_sandbox/stats`, {});
      expect(stats.json.faults.quota).toBe(1);
    } finally {
      await sandbox.close();
    }
  });

  it('draws a seeded random mix the same way every run, and counts every fault it injects', async () => {
    const plan: FaultPlan = { mix: { 'rate-limit': 0.2, 'server-error': 0.1, 'malformed-json': 0.1 }, seed: 42 };
    const run = async (): Promise<number[]> => {
      const sandbox = await startSandbox({ faults: plan });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) {
          const res = await postJson(`${sandbox.urls.together}/images/generations`, body('together'));
          statuses.push(res.json === undefined ? -1 : res.status);
        }
        const injected = Object.values(sandbox.stats.faults).reduce((a, b) => a + b, 0);
        expect(injected).toBe(statuses.filter((s) => s !== 200).length);
        expect(sandbox.stats.faultLog).toHaveLength(injected);
        return statuses;
      } finally {
        await sandbox.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 500, -1]));
  });
});

describe('closing', () => {
  it('lets go of requests held by slow-headers', async () => {
    const sandbox = await startSandbox();
    const held = rawPost(`${sandbox.urls.openai}/images/generations`, body('openai'), {
      'x-sandbox-fault': 'slow-headers',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await sandbox.close();
    expect(performance.now() - started).toBeLessThan(10_000); // the fault would hold it for 30 s
    expect((await held).complete).toBe(false);
  });
});
