import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootOpenAiApp, captureLogs } from './__fixtures__/openai-app.js';
import { readEvents, type ServerSentEvent } from './__fixtures__/read-events.js';
import type { Env } from './env.js';

const API_KEY = 'nest-stream-provider-key-c07e';

let sandbox: Sandbox;
let app: INestApplication | undefined;
let logs = captureLogs();

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await app?.close();
  app = undefined;
  logs = captureLogs();
  sandbox.setFaults(undefined);
});

async function boot(overrides: Env = {}, provider = sandbox): Promise<string> {
  app = await bootOpenAiApp(provider, API_KEY, logs.logger, overrides);
  return app.getUrl();
}

/** Opens the stream over real HTTP and resolves with the response once its headers are in. */
function open(origin: string, query: string, headers: Record<string, string> = {}) {
  const client = httpRequest(`${origin}/images/stream?${query}`, {
    headers: { accept: 'text/event-stream', ...headers },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    client.on('response', resolve);
    client.on('error', reject);
  });
  client.end();
  return { client, response };
}

async function allEvents(response: IncomingMessage): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readEvents(response)) events.push(event);
  return events;
}

interface Summary {
  id: string;
  url: string;
  index: number;
  width: number;
  height: number;
  mediaType: string;
  sha256: string;
}

describe('GET /images/stream', () => {
  it('sends the partial images, then the final image, then done, over real HTTP', async () => {
    const origin = await boot();
    const { response } = open(
      origin,
      new URLSearchParams({ prompt: 'a lighthouse at dusk', partialImages: '2' }).toString(),
    );
    const res = await response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = await allEvents(res);
    expect(events.map((e) => e.type)).toEqual(['partial', 'partial', 'image', 'done']);

    const partials = events
      .slice(0, 2)
      .map((e) => JSON.parse(e.data) as { index: number; partialIndex: number; mediaType: string; url: string });
    expect(partials.map((p) => [p.index, p.partialIndex])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    for (const partial of partials) {
      expect(partial.url).toMatch(/^data:image\/png;base64,/);
      const bytes = Buffer.from(partial.url.split(',')[1]!, 'base64');
      expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 1024, height: 1024 });
    }

    const image = JSON.parse(events[2]!.data) as Summary;
    expect(image).toMatchObject({ index: 0, width: 1024, height: 1024, mediaType: 'image/png' });
    const done = JSON.parse(events[3]!.data) as { provider: string; model: string; images: Summary[] };
    expect(done).toMatchObject({ provider: 'openai', model: 'gpt-image-1' });
    expect(done.images).toEqual([image]);

    // The final image is served like a generated one; the previews are not it.
    const file = await request(origin).get(image.url).buffer(true).expect(200);
    expect(
      createHash('sha256')
        .update(file.body as Buffer)
        .digest('hex'),
    ).toBe(image.sha256);
    for (const partial of partials)
      expect(partial.url).not.toBe(`data:image/png;base64,${(file.body as Buffer).toString('base64')}`);
  });

  it.each([
    ['prompt=', 'prompt'],
    ['partialImages=2', 'prompt'],
    ['prompt=a+fox&partialImages=9', 'partialImages'],
    ['prompt=a+fox&partialImages=two', 'partialImages'],
    ['prompt=a+fox&n=9', 'n'],
    ['prompt=a+fox&model=dall-e-3', 'model'],
    ['prompt=a+fox&prompt=a+cat', 'prompt'],
  ])('refuses ?%s with 400 naming %s, before calling the provider', async (query, field) => {
    const origin = await boot();
    sandbox.stats.reset();
    const res = await request(origin).get(`/images/stream?${query}`).expect(400);
    expect((res.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
    expect(sandbox.stats.generations.openai).toBe(0);
  });

  it('ends with an error event carrying the answer the app would give when the provider fails', async () => {
    const origin = await boot();
    sandbox.setFaults([{ fault: 'rate-limit', times: 1, retryAfter: 7 }]);
    const { response } = open(origin, 'prompt=a+fox&partialImages=1');
    const events = await allEvents(await response);
    expect(events.map((e) => e.type)).toEqual(['error']);
    expect(JSON.parse(events[0]!.data)).toMatchObject({
      statusCode: 429,
      message: 'the image provider is rate limiting this app; retry in 7 s',
    });
  });

  it('is refused with 403 when a browser says another site opened it', async () => {
    const origin = await boot();
    sandbox.stats.reset();
    await request(origin).get('/images/stream?prompt=a+fox').set('sec-fetch-site', 'cross-site').expect(403);
    await request(origin).get('/images/stream?prompt=a+fox').set('origin', 'https://evil.example').expect(403);
    expect(sandbox.stats.generations.openai).toBe(0);
  });

  it('answers 204 to an EventSource reconnecting (Last-Event-ID), so it stops, and spends nothing', async () => {
    const origin = await boot();
    sandbox.stats.reset();
    const res = await request(origin).get('/images/stream?prompt=a+fox').set('last-event-id', '3').expect(204);
    expect(res.text).toBe('');
    expect(sandbox.stats.generations.openai).toBe(0);
  });

  it('counts toward THROTTLE_GENERATE_LIMIT, like a generation', async () => {
    const origin = await boot({ THROTTLE_GENERATE_LIMIT: '1', THROTTLE_TTL_SECONDS: '3600' });
    await allEvents(await open(origin, 'prompt=a+fox&partialImages=1').response);
    sandbox.stats.reset();
    await request(origin).get('/images/stream?prompt=a+fox').expect(429);
    expect(sandbox.stats.generations.openai).toBe(0);
  });
});

describe('a client that leaves the stream', () => {
  it('cancels the generation: the provider sees its stream cancelled and the app logs why', async () => {
    // The first partial goes out at once, the rest after ten minutes.
    const sandboxLog: string[] = [];
    const slow = await startSandbox({ port: 0, apiKey: API_KEY, latencyMs: 600_000, log: (l) => sandboxLog.push(l) });
    try {
      const origin = await boot({ PICTOR_TIMEOUT_MS: '3600000' }, slow);
      const { client, response } = open(origin, 'prompt=a+slow+fox&partialImages=3');
      client.on('error', () => {}); // destroyed on purpose below
      const first = await readEvents(await response).next();
      expect(first.value?.type).toBe('partial');
      client.destroy();

      await vi.waitFor(() => expect(slow.stats.streamsCancelled).toBe(1), { timeout: 15_000, interval: 20 });
      await vi.waitFor(
        () =>
          expect(logs.lines.some((l) => l.includes('The client disconnected: its stream was cancelled'))).toBe(true),
        { timeout: 15_000, interval: 20 },
      );
      expect(sandboxLog.some((l) => /POST \/openai\/v1\/images\/generations .*\(aborted\)/.test(l))).toBe(true);
    } finally {
      await slow.close();
    }
  });
});
