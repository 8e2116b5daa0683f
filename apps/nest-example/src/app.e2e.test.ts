import { createHash } from 'node:crypto';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from './app.module.js';
import { bootstrap } from './bootstrap.js';

const API_KEY = 'nest-e2e-right-key-7d2e91';
const WRONG_KEY = 'nest-e2e-wrong-key-40b8c3';

let sandbox: Sandbox;
let app: INestApplication | undefined;
let logs: string[] = [];

/** Every line the app logs, whatever its level. */
const logger: LoggerService = Object.fromEntries(
  ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'].map((level) => [
    level,
    (...parts: unknown[]) => logs.push(`${level} ${parts.map((p) => (p instanceof Error ? `${p.message}\n${p.stack}` : typeof p === 'string' ? p : JSON.stringify(p))).join(' ')}`),
  ]),
) as unknown as LoggerService;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await app?.close();
  app = undefined;
  logs = [];
  sandbox.setFaults(undefined);
});

function env(overrides: Env = {}): Env {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    PICTOR_PROVIDER: 'together',
    PICTOR_BASE_URL: sandbox.urls.together,
    PICTOR_API_KEY: API_KEY,
    PICTOR_MAX_RETRIES: '0',
    ...overrides,
  };
}

/** Boots the real app over HTTP on a free port and returns a supertest agent for it. */
async function boot(overrides: Env = {}) {
  app = await bootstrap(env(overrides), { logger, abortOnError: false });
  return request(await app.getUrl());
}

/** What a user could ever see: every response so far and every log line. */
function expectNoKey(...texts: string[]): void {
  for (const text of [...texts, ...logs]) {
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(WRONG_KEY);
  }
}

interface ImagesResponse {
  provider: string;
  model: string;
  images: { id: string; url: string; index: number; width: number; height: number; seed: number | null; mediaType: string; sha256: string; byteLength: number }[];
  failures: unknown[];
  warnings: unknown[];
}

describe('POST /images and GET /images/:id', () => {
  it('generates images and serves their bytes with their media type', async () => {
    const http = await boot();
    const res = await http.post('/images').send({ prompt: 'a lighthouse at dusk', n: 2, size: '256x256', seed: 42 }).expect(201);
    const body = res.body as ImagesResponse;
    expect(body).toMatchObject({ provider: 'together', model: 'black-forest-labs/FLUX.1-schnell', failures: [] });
    expect(body.images).toHaveLength(2);
    expect(new Set(body.images.map((i) => i.id)).size).toBe(2);
    for (const image of body.images) {
      expect(image).toMatchObject({ url: `/images/${image.id}`, width: 256, height: 256, seed: 42 });
      const file = await http.get(image.url).buffer(true).expect(200);
      expect(file.headers['content-type']).toBe(image.mediaType);
      expect(Number(file.headers['content-length'])).toBe(image.byteLength);
      expect(createHash('sha256').update(file.body as Buffer).digest('hex')).toBe(image.sha256);
    }
    expect(body.images.map((i) => i.mediaType)).toEqual(['image/jpeg', 'image/jpeg']);
  });

  it('answers 404 for an unknown image id and 400 for an id that is not one', async () => {
    const http = await boot();
    await http.get('/images/0b4a5bd4-8a4e-4f4e-9a57-0a7f3e0c3c55').expect(404);
    await http.get('/images/..%2Fpackage.json').expect(400);
  });

  it.each([
    [{ prompt: '', n: 1 }, 'prompt'],
    [{ n: 2 }, 'prompt'],
    [{ prompt: 'a fox', n: 0 }, 'n'],
    [{ prompt: 'a fox', n: 'two' }, 'n'],
    [{ prompt: 'a fox', n: 9 }, 'n'],
    [{ prompt: 'a fox', n: 500 }, 'n'],
    [['a fox'], '(body)'],
    [{ prompt: 'a fox', size: 'huge' }, 'size'],
    [{ prompt: 'a fox', providerOptions: { model: 'x' } }, 'providerOptions'],
  ])('rejects %j with 400 naming %s, before calling the provider', async (payload, field) => {
    const http = await boot();
    sandbox.stats.reset();
    const res = await http.post('/images').send(payload).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect((res.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
    expect((res.body as { message: string }).message).toContain(field);
    expect(sandbox.stats.generations.together).toBe(0);
  });
});

describe("the provider's refusals", () => {
  it('answers 429 with the Retry-After the provider asked for when it rate-limits', async () => {
    const http = await boot();
    sandbox.setFaults([{ fault: 'rate-limit', times: 1, retryAfter: 7 }]);
    const res = await http.post('/images').send({ prompt: 'a fox' }).expect(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body).toMatchObject({ statusCode: 429, message: 'the image provider is rate limiting this app; retry in 7 s' });
    expect((res.body as { requestId: string }).requestId).toMatch(/^req_/);
    expect(logs.some((line) => line.startsWith('warn 429 after RateLimitError'))).toBe(true);
  });

  it('answers Retry-After: 1 when the provider asks for no wait', async () => {
    const http = await boot();
    sandbox.setFaults([{ fault: 'rate-limit', times: 1, retryAfter: 0 }]);
    const res = await http.post('/images').send({ prompt: 'a fox' }).expect(429);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('retries a rate limit itself when configured to', async () => {
    const http = await boot({ PICTOR_MAX_RETRIES: '2' });
    sandbox.setFaults([{ fault: 'rate-limit', times: 2, retryAfter: 0 }]);
    const res = await http.post('/images').send({ prompt: 'a fox', size: '256x256' }).expect(201);
    expect((res.body as ImagesResponse).images).toHaveLength(1);
    expect(sandbox.stats.faults['rate-limit']).toBeGreaterThanOrEqual(2);
  });

  it('answers 503 without Retry-After when the quota is exhausted', async () => {
    const http = await boot();
    sandbox.setFaults([{ fault: 'quota', times: 1 }]);
    const res = await http.post('/images').send({ prompt: 'a fox' }).expect(503);
    expect(res.headers['retry-after']).toBeUndefined();
    expect((res.body as { message: string }).message).toBe("the image provider's quota for the configured account is exhausted");
  });

  it('answers 502 when the provider fails', async () => {
    const http = await boot();
    sandbox.setFaults([{ fault: 'unavailable', times: 1 }]);
    const res = await http.post('/images').send({ prompt: 'a fox' }).expect(502);
    expect((res.body as { message: string }).message).toMatch(/^the image provider failed: 503 Service Unavailable/);
  });

  it('answers 502 with a clear message when the provider rejects the key, never showing the key', async () => {
    const http = await boot({ PICTOR_API_KEY: WRONG_KEY });
    const res = await http.post('/images').send({ prompt: 'a fox' }).expect(502);
    expect(res.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', message: 'the image provider rejected the configured API key' });
    const health = await http.get('/health').expect(503);
    expect(health.body).toMatchObject({ status: 'error', error: { pictor: { status: 'down', provider: 'together' } } });
    expect(health.text).not.toContain('***'); // not even the masked key the provider echoes
    expect(logs.some((line) => line.includes('AuthenticationError'))).toBe(true);
    expectNoKey(JSON.stringify(res.headers), res.text, JSON.stringify(health.headers), health.text);
  });
});

describe('GET /health', () => {
  it('is up when the provider lists its models with the configured key', async () => {
    const http = await boot();
    const res = await http.get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { pictor: { status: 'up', provider: 'together' } } });
    expectNoKey(res.text);
  });
});

describe('configuration', () => {
  it.each([
    [{ PICTOR_API_KEY: undefined }, 'PICTOR_API_KEY: is required for Together AI'],
    [{ PICTOR_PROVIDER: 'custom', PICTOR_BASE_URL: undefined }, 'PICTOR_BASE_URL: is required'],
    [{ PICTOR_BASE_URL: 'not a url' }, 'PICTOR_BASE_URL: must be an http(s) URL'],
    [{ PICTOR_MAX_RETRIES: 'many' }, 'PICTOR_MAX_RETRIES: must be a whole number'],
    [{ PICTOR_MAX_RETRIES: '99' }, 'PICTOR_MAX_RETRIES'],
    [{ PICTOR_PROVIDER: 'acme' }, 'PICTOR_PROVIDER'],
  ])('stops the boot when %j, naming the variable', async (overrides, message) => {
    const boot = bootstrap(env(overrides), { logger, abortOnError: false });
    await expect(boot).rejects.toThrow(message);
    expect(logs.some((line) => line.includes(message))).toBe(true);
    expectNoKey();
  });
});
