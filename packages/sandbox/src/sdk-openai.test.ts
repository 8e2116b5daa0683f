import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { imageInfo } from './__fixtures__/http.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

// The official openai SDK, unchanged but for baseURL and apiKey.
describe('official openai SDK against the sandbox', () => {
  const apiKey = 'sk-sandbox-openai';
  let sandbox: Sandbox;
  let client: OpenAI;
  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey });
    client = new OpenAI({ baseURL: sandbox.urls.openai, apiKey, maxRetries: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults(undefined);
    sandbox.stats.reset();
  });

  it('generates base64 images with a GPT image model', async () => {
    const response = await client.images.generate({
      model: 'gpt-image-1',
      prompt: 'A cute baby sea otter',
      n: 2,
      size: '1024x1024',
      quality: 'low',
    });
    expect(response.data).toHaveLength(2);
    expect(response.usage?.output_tokens).toBe(2 * 272);
    for (const image of response.data ?? []) {
      expect(await imageInfo(Buffer.from(image.b64_json!, 'base64'))).toEqual({
        format: 'png',
        width: 1024,
        height: 1024,
      });
    }
  });

  it('generates URL images with dall-e-3, revised prompt included', async () => {
    const response = await client.images.generate({
      model: 'dall-e-3',
      prompt: 'A lighthouse at dusk',
      size: '1792x1024',
      response_format: 'url',
    });
    const image = response.data![0]!;
    expect(image.revised_prompt).toMatch(/^A lighthouse at dusk, imagined as/);
    const bytes = Buffer.from(await (await fetch(image.url!)).arrayBuffer());
    expect(await imageInfo(bytes)).toEqual({ format: 'png', width: 1792, height: 1024 });
  });

  it('streams partial and final images', async () => {
    const stream = await client.images.generate({
      model: 'gpt-image-1',
      prompt: 'stream',
      stream: true,
      partial_images: 1,
      quality: 'low',
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['image_generation.partial_image', 'image_generation.completed']);
  });

  it('streams generation partials with partial_images: 2', async () => {
    const stream = await client.images.generate({
      model: 'gpt-image-1.5',
      prompt: 'A cute baby sea otter',
      stream: true,
      partial_images: 2,
      quality: 'low',
    });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    const last = events.at(-1)!;
    if (last.type !== 'image_generation.completed') throw new Error('no completed event');
    expect(last.usage.output_tokens).toBe(272);
    expect(await imageInfo(Buffer.from(last.b64_json, 'base64'))).toMatchObject({ width: 1024, height: 1024 });
  });

  const png = (colour: string, width = 256, height = 256) =>
    sharp({ create: { width, height, channels: 4, background: colour } })
      .png()
      .toBuffer();

  it('edits an uploaded image', async () => {
    const response = await client.images.edit({
      model: 'gpt-image-1',
      image: await toFile(await png('#10a030'), 'input.png', { type: 'image/png' }),
      prompt: 'Add a watercolor effect to this image',
      size: '1536x1024',
      quality: 'low',
    });
    const bytes = Buffer.from(response.data![0]!.b64_json!, 'base64');
    expect(await imageInfo(bytes)).toEqual({ format: 'png', width: 1536, height: 1024 });
    expect(response.usage?.input_tokens_details.image_tokens).toBeGreaterThan(0);
    expect(sandbox.stats.edits.openai).toBe(1);
  });

  it('edits with several images and a mask', async () => {
    const images = await Promise.all(
      ['#d02020', '#2020d0', '#20d020', '#d0d020'].map(async (c, i) =>
        toFile(await png(c), `item-${i}.png`, { type: 'image/png' }),
      ),
    );
    const transparent = await sharp({ create: { width: 256, height: 256, channels: 4, background: '#00000000' } })
      .png()
      .toBuffer();
    const response = await client.images.edit({
      model: 'gpt-image-1.5',
      image: images,
      mask: await toFile(transparent, 'mask.png', { type: 'image/png' }),
      prompt: 'Create a lovely gift basket with these four items in it',
      input_fidelity: 'high',
      n: 2,
    });
    expect(response.data).toHaveLength(2);
    expect(response.usage?.input_tokens_details.image_tokens).toBe(4 * 272);
  });

  it('streams an edit', async () => {
    const stream = await client.images.edit({
      model: 'gpt-image-1-mini',
      image: await toFile(await png('#808080'), 'input.png', { type: 'image/png' }),
      prompt: 'stream the edit',
      stream: true,
      partial_images: 1,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(['image_edit.partial_image', 'image_edit.completed']);
  });

  it('sees edit errors as its own typed errors', async () => {
    const error = await client.images
      .edit({
        model: 'dall-e-2',
        image: await toFile(await png('#808080', 300, 200), 'wide.png', { type: 'image/png' }),
        prompt: 'p',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'image' });
  });

  it('works against the r9s and AI Stats stand-ins too (OpenAI-compatible gateways)', async () => {
    const r9s = new OpenAI({ baseURL: sandbox.urls.r9s, apiKey, maxRetries: 0 });
    const a = await r9s.images.generate({
      model: 'gpt-4o-mini',
      prompt: 'A cute cat sitting on a windowsill',
      size: '512x512',
      response_format: 'b64_json',
    });
    expect((await imageInfo(Buffer.from(a.data![0]!.b64_json!, 'base64'))).width).toBe(512);
    const aiStats = new OpenAI({ baseURL: sandbox.urls['ai-stats'], apiKey, maxRetries: 0 });
    const b = await aiStats.images.generate({
      model: 'openai/gpt-image-1',
      prompt: 'A lighthouse at golden hour',
      size: '1024x1024',
    });
    expect(b.data![0]!.b64_json).toBeTruthy();
    expect((b as unknown as { provider: string }).provider).toBe('openai');
  });

  it('sees a wrong key as AuthenticationError', async () => {
    const wrong = new OpenAI({ baseURL: sandbox.urls.openai, apiKey: 'sk-wrong', maxRetries: 0 });
    const error = await wrong.images.generate({ prompt: 'p' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('sees model limits as BadRequestError', async () => {
    const error = await client.images.generate({ model: 'dall-e-3', prompt: 'p', n: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'n', code: 'integer_above_max_value' });
  });

  it('sees injected faults as its own typed errors, with the request id the sandbox logged', async () => {
    const cases: Array<[string, new (...args: never[]) => Error, number]> = [
      ['rate-limit', OpenAI.RateLimitError, 429],
      ['quota', OpenAI.RateLimitError, 429],
      ['server-error', OpenAI.InternalServerError, 500],
      ['unavailable', OpenAI.InternalServerError, 503],
    ];
    for (const [fault, type, status] of cases) {
      const error = await client.images
        .generate({ prompt: 'p', size: '256x256' }, { headers: { 'x-sandbox-fault': fault } })
        .catch((e: unknown) => e);
      expect(error, fault).toBeInstanceOf(type);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
      expect((error as InstanceType<typeof OpenAI.APIError>).requestID).toBe(sandbox.stats.faultLog.at(-1)?.requestId);
    }
    expect(sandbox.stats.faults).toMatchObject({ 'rate-limit': 1, quota: 1, 'server-error': 1, unavailable: 1 });
  });

  it('fails on faults after the headers: a reset mid-body, truncated or malformed JSON', async () => {
    // The SDK does not wrap these in its APIError classes: the body read fails with undici's
    // `TypeError: terminated` (cause ECONNRESET), and JSON parsing with a SyntaxError.
    const attempt = (fault: string) =>
      client.images
        .generate(
          { prompt: 'p', size: '256x256', response_format: 'b64_json' },
          { headers: { 'x-sandbox-fault': fault } },
        )
        .then(
          () => new Error('expected a failure') as Error & { cause?: { code?: string } },
          (e: unknown) => e as Error & { cause?: { code?: string } },
        );
    const reset = await attempt('reset');
    expect(reset).toBeInstanceOf(TypeError);
    expect(reset.cause?.code).toBe('ECONNRESET');
    expect(await attempt('truncated-json')).toBeInstanceOf(SyntaxError);
    expect(await attempt('malformed-json')).toBeInstanceOf(SyntaxError);
    expect(sandbox.stats.faults).toMatchObject({ reset: 1, 'truncated-json': 1, 'malformed-json': 1 });
  });

  it('retries 429s on its own and succeeds once the scripted plan runs out', async () => {
    sandbox.setFaults([{ fault: 'rate-limit', times: 2, retryAfter: 0 }]);
    const retrying = new OpenAI({ baseURL: sandbox.urls.openai, apiKey, maxRetries: 2 });
    const response = await retrying.images.generate({ prompt: 'p', size: '256x256', response_format: 'b64_json' });
    expect(response.data).toHaveLength(1);
    expect(sandbox.stats.faults['rate-limit']).toBe(2);
    expect(sandbox.stats.generations.openai).toBe(3);
  });
});

describe('official openai SDK against the token bucket', () => {
  let sandbox: Sandbox | undefined;
  afterEach(() => sandbox?.close());

  it('surfaces the bucket’s 429 as RateLimitError, with OpenAI’s code, type and headers', async () => {
    sandbox = await startSandbox({ rateLimit: { capacity: 1, refillPerSecond: 1 / 3600 } });
    const client = new OpenAI({ baseURL: sandbox.urls.openai, apiKey: 'sk-bucket', maxRetries: 0 });
    const { data, response } = await client.images
      .generate({ prompt: 'p', size: '256x256', response_format: 'url' })
      .withResponse();
    expect(data.data).toHaveLength(1);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const error = await client.images.generate({ prompt: 'p', size: '256x256' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests', param: null });
    expect(limited.message).toMatch(/^429 Rate limit reached for requests .* Limit 1, Used 1, Requested 1\./);
    expect(limited.headers.get('x-ratelimit-limit-requests')).toBe('1');
    expect(Number(limited.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('waits as retry-after-ms says and succeeds on its own retry', async () => {
    sandbox = await startSandbox({ rateLimit: { capacity: 1, refillPerSecond: 5 } });
    const client = new OpenAI({ baseURL: sandbox.urls.openai, apiKey: 'sk-bucket', maxRetries: 4 });
    const results = await Promise.all(
      [1, 2, 3].map(() => client.images.generate({ prompt: 'p', size: '256x256', response_format: 'url' })),
    );
    for (const result of results) expect(result.data).toHaveLength(1);
    expect(sandbox.stats.rateLimited).toBeGreaterThanOrEqual(1);
  });
});
