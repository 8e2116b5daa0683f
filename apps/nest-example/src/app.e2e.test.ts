import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Env } from './env.js';
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
    (...parts: unknown[]) =>
      logs.push(
        `${level} ${parts.map((p) => (p instanceof Error ? `${p.message}\n${p.stack}` : typeof p === 'string' ? p : JSON.stringify(p))).join(' ')}`,
      ),
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

/** Boots the real app over HTTP on a free port. */
async function bootApp(overrides: Env = {}): Promise<INestApplication> {
  app = await bootstrap(env(overrides), { logger, abortOnError: false });
  return app;
}

/** Boots the real app and returns a supertest agent for it. */
async function boot(overrides: Env = {}) {
  return request(await (await bootApp(overrides)).getUrl());
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
  images: {
    id: string;
    url: string;
    index: number;
    width: number;
    height: number;
    seed: number | null;
    mediaType: string;
    sha256: string;
    byteLength: number;
  }[];
  failures: unknown[];
  warnings: unknown[];
}

describe('POST /images and GET /images/:id', () => {
  it('generates images and serves their bytes with their media type', async () => {
    const http = await boot();
    const res = await http
      .post('/images')
      .send({ prompt: 'a lighthouse at dusk', n: 2, size: '256x256', seed: 42 })
      .expect(201);
    const body = res.body as ImagesResponse;
    expect(body).toMatchObject({ provider: 'together', model: 'black-forest-labs/FLUX.1-schnell', failures: [] });
    expect(body.images).toHaveLength(2);
    expect(new Set(body.images.map((i) => i.id)).size).toBe(2);
    for (const image of body.images) {
      expect(image).toMatchObject({ url: `/images/${image.id}`, width: 256, height: 256, seed: 42 });
      const file = await http.get(image.url).buffer(true).expect(200);
      expect(file.headers['content-type']).toBe(image.mediaType);
      expect(Number(file.headers['content-length'])).toBe(image.byteLength);
      expect(
        createHash('sha256')
          .update(file.body as Buffer)
          .digest('hex'),
      ).toBe(image.sha256);
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
    expect(res.body).toMatchObject({
      statusCode: 429,
      message: 'the image provider is rate limiting this app; retry in 7 s',
    });
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
    expect((res.body as { message: string }).message).toBe(
      "the image provider's quota for the configured account is exhausted",
    );
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
    expect(res.body).toMatchObject({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'the image provider rejected the configured API key',
    });
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

describe('where it listens', () => {
  it('listens on 127.0.0.1 when HOST is not set', async () => {
    app = await bootstrap(env({ HOST: undefined }), { logger, abortOnError: false });
    const address = (app.getHttpServer() as Server).address() as AddressInfo;
    expect(address.address).toBe('127.0.0.1');
  });

  it.each(['0.0.0.0', '::', '192.168.1.20', 'pictor.example.com'])(
    'refuses to start on %s without APP_API_KEY, naming the variable',
    async (host) => {
      const boot = bootstrap(env({ HOST: host }), { logger, abortOnError: false });
      await expect(boot).rejects.toThrow('APP_API_KEY: is required when HOST is not a loopback address');
    },
  );

  it('refuses an APP_API_KEY shorter than 16 characters without echoing it', async () => {
    const boot = bootstrap(env({ APP_API_KEY: 'short-key-93' }), { logger, abortOnError: false });
    await expect(boot).rejects.toThrow('APP_API_KEY: must be at least 16 characters');
    await expect(boot).rejects.not.toThrow('short-key-93');
  });
});

describe('JSON only', () => {
  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'prompt=a+fox'],
    ['text/plain', 'text/plain', '{"prompt":"a fox"}'],
    [
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na fox\r\n--x--\r\n',
    ],
    ['no content type', undefined, '{"prompt":"a fox"}'],
  ])('refuses %s with 415 before calling the provider', async (_, type, payload) => {
    const http = await boot();
    sandbox.stats.reset();
    const req = http.post('/images');
    if (type) req.set('content-type', type);
    else req.unset('content-type');
    const res = await req.send(Buffer.from(payload)).expect(415);
    expect(res.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    expect(sandbox.stats.generations.together).toBe(0);
  });
});

describe('the API key (APP_API_KEY)', () => {
  const APP_KEY = 'nest-e2e-app-key-5f1c0a9e77';

  it('refuses a request without the key or with a wrong one with 401, and takes it as Bearer or x-api-key', async () => {
    const http = await boot({ APP_API_KEY: APP_KEY });
    sandbox.stats.reset();
    const missing = await http.post('/images').send({ prompt: 'a fox', size: '256x256' }).expect(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await http
      .post('/images')
      .set('authorization', `Bearer ${APP_KEY}x`)
      .send({ prompt: 'a fox', size: '256x256' })
      .expect(401);
    const wrongHeader = await http
      .post('/images')
      .set('x-api-key', APP_KEY.slice(0, -1))
      .send({ prompt: 'a fox', size: '256x256' })
      .expect(401);
    expect(sandbox.stats.generations.together).toBe(0);

    const bearer = await http
      .post('/images')
      .set('authorization', `Bearer ${APP_KEY}`)
      .send({ prompt: 'a fox', size: '256x256' })
      .expect(201);
    const image = (bearer.body as ImagesResponse).images[0]!;
    await http.get(image.url).expect(401);
    await http.get(image.url).set('x-api-key', APP_KEY).expect(200);
    await http.post('/images').set('x-api-key', APP_KEY).send({ prompt: 'a fox', size: '256x256' }).expect(201);
    await http.get('/health').expect(200); // open, for probes
    for (const text of [missing.text, wrong.text, wrongHeader.text, ...logs])
      expect(text).not.toContain(APP_KEY.slice(0, -1));
  });

  it('lets every request through when no key is set (loopback only)', async () => {
    const http = await boot();
    await http.post('/images').send({ prompt: 'a fox', size: '256x256' }).expect(201);
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After past THROTTLE_GENERATE_LIMIT generations, before calling the provider', async () => {
    const http = await boot({ THROTTLE_GENERATE_LIMIT: '2', THROTTLE_TTL_SECONDS: '3600' });
    sandbox.stats.reset();
    await http.post('/images').send({ prompt: 'a fox', size: '256x256' }).expect(201);
    await http.post('/images').send({ prompt: 'a fox', size: '256x256' }).expect(201);
    const res = await http.post('/images').send({ prompt: 'a fox', size: '256x256' }).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(sandbox.stats.generations.together).toBe(2);
    await http.get('/health').expect(200); // other routes have their own, larger budget
  });

  it('answers 429 past THROTTLE_LIMIT requests to another route', async () => {
    const http = await boot({ THROTTLE_LIMIT: '2', THROTTLE_TTL_SECONDS: '3600' });
    await http.get('/images/0b4a5bd4-8a4e-4f4e-9a57-0a7f3e0c3c55').expect(404);
    await http.get('/images/0b4a5bd4-8a4e-4f4e-9a57-0a7f3e0c3c55').expect(404);
    await http.get('/images/0b4a5bd4-8a4e-4f4e-9a57-0a7f3e0c3c55').expect(429);
  });

  it.each(['THROTTLE_LIMIT', 'THROTTLE_GENERATE_LIMIT', 'THROTTLE_TTL_SECONDS'])(
    'stops the boot when %s is not a positive whole number',
    async (name) => {
      await expect(bootstrap(env({ [name]: '0' }), { logger, abortOnError: false })).rejects.toThrow(
        `${name}: must be a whole number of at least 1`,
      );
    },
  );
});

describe('response headers', () => {
  it('sends X-Content-Type-Options: nosniff and no X-Powered-By on every kind of answer', async () => {
    const http = await boot({ APP_API_KEY: API_KEY.repeat(2), THROTTLE_LIMIT: '1', THROTTLE_TTL_SECONDS: '3600' });
    const auth = { 'x-api-key': API_KEY.repeat(2) };
    const created = await http.post('/images').set(auth).send({ prompt: 'a fox', size: '256x256' });
    const answers = [
      created,
      await http.get((created.body as ImagesResponse).images[0]!.url).set(auth),
      await http.get('/health'),
      await http.post('/images').set(auth).send({ prompt: '' }),
      await http.post('/images').set(auth).type('form').send('prompt=x'),
      await http.get('/nowhere').set(auth),
      await http.post('/images').send({ prompt: 'a fox' }),
      await http.get('/health'),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 200, 200, 400, 415, 404, 401, 429]);
    for (const answer of answers) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('a client that disconnects', () => {
  it('aborts its generation: the provider sees the call cancelled and the app logs why', async () => {
    const sandboxLog: string[] = [];
    const slow = await startSandbox({ port: 0, latencyMs: 600_000, log: (line) => sandboxLog.push(line) });
    try {
      const origin = await (
        await bootApp({ PICTOR_BASE_URL: slow.urls.together, PICTOR_API_KEY: 'any', PICTOR_TIMEOUT_MS: '3600000' })
      ).getUrl();
      const client = httpRequest(`${origin}/images`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      client.on('error', () => {}); // destroyed on purpose below
      client.end(JSON.stringify({ prompt: 'a slow fox', size: '256x256' }));
      await vi.waitFor(() => expect(slow.stats.generations.together).toBe(1), { timeout: 15_000, interval: 20 });
      client.destroy();
      await vi.waitFor(
        () => expect(logs.some((l) => l.includes('The client disconnected: its generation was aborted'))).toBe(true),
        { timeout: 15_000, interval: 20 },
      );
      await vi.waitFor(
        () =>
          expect(sandboxLog.some((l) => /POST \/together\/v1\/images\/generations --- \(aborted\)/.test(l))).toBe(true),
        { timeout: 15_000, interval: 20 },
      );
      expect(slow.stats.imagesServed).toBe(0);
    } finally {
      await slow.close();
    }
  });
});

describe("the provider's text in the logs", () => {
  it('reaches the log without its escape sequences and control characters', async () => {
    const hostile = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const message =
          '\u001b[2J\u001b[HUpstream \u001b]0;pwned title\u0007\u001b]8;;https://evil.example\u001b\\exploded\u001b]8;;\u001b\\\r\n[Nest] 1 - LOG forged\u0008\u0000';
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message } }));
      });
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hostile.address() as AddressInfo;
      const http = await boot({
        PICTOR_PROVIDER: 'custom',
        PICTOR_DIALECT: 'openai',
        PICTOR_BASE_URL: `http://127.0.0.1:${port}/v1`,
        PICTOR_MODEL: 'm',
      });
      await http.post('/images').send({ prompt: 'a fox' }).expect(502);
      const line = logs.find((l) => l.startsWith('warn 502 after InternalServerError'));
      expect(line).toContain('Upstream exploded [Nest] 1 - LOG forged');
      expect(line).not.toContain('pwned');
      for (const l of logs) expect(l.replace(/\n/g, '')).not.toMatch(/\p{Cc}/u);
    } finally {
      await new Promise((resolve) => hostile.close(resolve));
    }
  });
});

describe('DNS rebinding', () => {
  it('without APP_API_KEY, refuses with 403 a request addressed to another name, before calling the provider', async () => {
    const http = await boot();
    sandbox.stats.reset();
    for (const host of ['evil.example', 'evil.example:3000', '127.0.0.1.evil.example']) {
      const res = await http.post('/images').set('host', host).send({ prompt: 'a fox', size: '256x256' }).expect(403);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(sandbox.stats.generations.together).toBe(0);
    for (const host of ['localhost:3000', '127.0.0.1', '[::1]:3000'])
      await http.get('/health').set('host', host).expect(200);
  });

  it('with APP_API_KEY, serves any name (the key is the protection)', async () => {
    const key = 'nest-e2e-app-key-rebinding-1';
    const http = await boot({ APP_API_KEY: key });
    await http
      .post('/images')
      .set('host', 'images.example')
      .set('x-api-key', key)
      .send({ prompt: 'a fox', size: '256x256' })
      .expect(201);
  });
});
