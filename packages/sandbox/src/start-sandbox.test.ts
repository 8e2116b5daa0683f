import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, imageInfo, postJson } from './__fixtures__/http.js';
import { PROVIDER_NAMES, type ProviderName } from './providers.js';
import { SpecValidator } from './spec-validator.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

const validator = new SpecValidator();
const FLUX = 'black-forest-labs/FLUX.1-schnell';

/** A small valid request per stand-in, asking for base64 or URL items. */
function request(provider: ProviderName, mode: 'b64' | 'url'): Record<string, unknown> {
  switch (provider) {
    case 'together':
      return {
        model: FLUX,
        prompt: 'A sunset over mountains',
        width: 320,
        height: 256,
        response_format: mode === 'b64' ? 'base64' : 'url',
      };
    case 'openai':
      return {
        model: 'dall-e-2',
        prompt: 'A cute baby sea otter',
        size: '256x256',
        response_format: mode === 'b64' ? 'b64_json' : 'url',
      };
    case 'r9s':
      return {
        model: 'gpt-4o-mini',
        prompt: 'A cute cat sitting on a windowsill',
        size: '512x512',
        response_format: mode === 'b64' ? 'b64_json' : 'url',
      };
    case 'ai-stats':
      return {
        model: 'openai/dall-e-2',
        prompt: 'A lighthouse at golden hour',
        size: '256x256',
        response_format: mode === 'b64' ? 'b64_json' : 'url',
      };
  }
}

function expectedSize(provider: ProviderName): [number, number] {
  return provider === 'together' ? [320, 256] : provider === 'r9s' ? [512, 512] : [256, 256];
}

describe('startSandbox over loopback HTTP', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('serves each stand-in under its own base URL', () => {
    for (const name of PROVIDER_NAMES) expect(sandbox.urls[name]).toBe(`${sandbox.url}/${name}/v1`);
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  describe.each(PROVIDER_NAMES)('%s', (provider) => {
    it('returns base64 images that conform to the spec and decode at the requested size', async () => {
      const res = await postJson(`${sandbox.urls[provider]}/images/generations`, request(provider, 'b64'));
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
      expect(validator.validateResponse(provider, res.json)).toEqual([]);
      const item = res.json.data[0];
      expect(await imageInfo(Buffer.from(item.b64_json, 'base64'))).toMatchObject({
        width: expectedSize(provider)[0],
        height: expectedSize(provider)[1],
      });
    });

    it('returns URLs served by the sandbox itself', async () => {
      const res = await postJson(`${sandbox.urls[provider]}/images/generations`, request(provider, 'url'));
      expect(res.status, res.text).toBe(200);
      expect(validator.validateResponse(provider, res.json)).toEqual([]);
      const url: string = res.json.data[0].url;
      expect(url.startsWith(`${sandbox.url}/files/`)).toBe(true);
      const image = await fetch(url);
      expect(image.status).toBe(200);
      const bytes = Buffer.from(await image.arrayBuffer());
      const info = await imageInfo(bytes);
      expect(image.headers.get('content-type')).toBe(`image/${info.format}`);
      expect([info.width, info.height]).toEqual(expectedSize(provider));
    });

    it('answers a missing bearer token with 401 in its own envelope', async () => {
      const res = await postJson(`${sandbox.urls[provider]}/images/generations`, request(provider, 'b64'), {
        authorization: '',
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
      expect(validator.validateError(provider, res.json)).toEqual([]);
      if (provider === 'ai-stats') expect(res.json).toMatchObject({ error: 'unauthorised', status_code: 401 });
      else expect(res.json.error.message).toMatch(/API key/);
      if (provider === 'r9s') expect(res.json.status).toBe(401);
    });

    it('rejects an unknown model', async () => {
      const res = await postJson(`${sandbox.urls[provider]}/images/generations`, {
        ...request(provider, 'b64'),
        model: 'acme/no-such-model',
      });
      expect(res.status).toBe(provider === 'together' ? 404 : 400);
      expect(validator.validateError(provider, res.json)).toEqual([]);
    });

    it('lists its image models with their limits', async () => {
      const res = await getJson(`${sandbox.urls[provider]}/models`);
      expect(res.status).toBe(200);
      const models: Array<Record<string, unknown>> = provider === 'together' ? res.json : res.json.data;
      if (provider !== 'together') expect(res.json.object).toBe('list');
      expect(models.length).toBeGreaterThan(0);
      for (const model of models) {
        expect(model).toMatchObject({ id: expect.any(String), object: 'model', created: expect.any(Number) });
        expect(model.pictor).toMatchObject({ maxImagesPerCall: expect.any(Number) });
        if (provider === 'together') expect(model.type).toBe('image');
        else expect(model.owned_by).toEqual(expect.any(String));
      }
    });
  });

  it('lists the models the issue names', async () => {
    const ids = async (provider: ProviderName): Promise<string[]> => {
      const res = await getJson(`${sandbox.urls[provider]}/models`);
      return (provider === 'together' ? res.json : res.json.data).map((m: { id: string }) => m.id);
    };
    expect(await ids('together')).toEqual(
      expect.arrayContaining([
        FLUX,
        'black-forest-labs/FLUX.1-schnell-Free',
        'black-forest-labs/FLUX.1.1-pro',
        'black-forest-labs/FLUX.1-dev',
        'black-forest-labs/FLUX.1-kontext-pro',
      ]),
    );
    const openai = ['dall-e-2', 'dall-e-3', 'gpt-image-1', 'gpt-image-1-mini', 'gpt-image-1.5', 'gpt-image-2'];
    expect(await ids('openai')).toEqual(expect.arrayContaining(openai));
    expect(await ids('r9s')).toEqual(expect.arrayContaining([...openai, 'gpt-4o-mini']));
    expect(await ids('ai-stats')).toEqual(
      expect.arrayContaining(['openai/gpt-image-1', 'openai/dall-e-3', 'black-forest-labs/flux-1-schnell']),
    );
    const dalle3 = await getJson(`${sandbox.urls.openai}/models/dall-e-3`);
    expect(dalle3.json.pictor).toMatchObject({ maxImagesPerCall: 1, sizes: ['1024x1024', '1792x1024', '1024x1792'] });
  });

  it('adds revised_prompt for dall-e-3, usage for GPT image models, provider and meta for AI Stats', async () => {
    const dalle3 = await postJson(`${sandbox.urls.openai}/images/generations`, {
      model: 'dall-e-3',
      prompt: 'otter',
      response_format: 'b64_json',
    });
    expect(dalle3.json.data[0].revised_prompt).toMatch(/^otter, imagined as/);
    expect(dalle3.json.usage).toBeUndefined();
    const gpt = await postJson(`${sandbox.urls.openai}/images/generations`, {
      model: 'gpt-image-1',
      prompt: 'otter',
      quality: 'low',
      output_format: 'jpeg',
    });
    expect(gpt.json).toMatchObject({
      created: expect.any(Number),
      output_format: 'jpeg',
      quality: 'low',
      size: '1024x1024',
      background: 'opaque',
    });
    expect(gpt.json.usage).toMatchObject({
      output_tokens: 272,
      input_tokens_details: { text_tokens: 2, image_tokens: 0 },
    });
    expect(gpt.json.data[0].revised_prompt).toBeUndefined();
    expect((await imageInfo(Buffer.from(gpt.json.data[0].b64_json, 'base64'))).format).toBe('jpeg');
    expect(validator.validateResponse('openai', gpt.json)).toEqual([]);
    const stats = await postJson(`${sandbox.urls['ai-stats']}/images/generations`, {
      model: 'openai/gpt-image-1',
      prompt: 'otter',
    });
    expect(stats.json).toMatchObject({ provider: 'openai', meta: expect.any(Object), usage: expect.any(Object) });
  });

  it('encodes WebP and honours any gpt-image-2 size', async () => {
    const res = await postJson(`${sandbox.urls.openai}/images/generations`, {
      model: 'gpt-image-2',
      prompt: 'wide',
      size: '1536x512',
      output_format: 'webp',
    });
    expect(res.status, res.text).toBe(200);
    expect(await imageInfo(Buffer.from(res.json.data[0].b64_json, 'base64'))).toEqual({
      format: 'webp',
      width: 1536,
      height: 512,
    });
    expect(res.json.size).toBeUndefined();
  });

  it('gives identical bytes for the same prompt and seed, served from the render cache', async () => {
    sandbox.stats.reset();
    const body = {
      model: FLUX,
      prompt: 'cache me',
      seed: 1234,
      n: 2,
      width: 256,
      height: 256,
      response_format: 'base64',
    };
    const a = await postJson(`${sandbox.urls.together}/images/generations`, body);
    const b = await postJson(`${sandbox.urls.together}/images/generations`, body);
    expect(a.json.data.map((d: { b64_json: string }) => d.b64_json)).toEqual(
      b.json.data.map((d: { b64_json: string }) => d.b64_json),
    );
    expect(a.json.data[0].b64_json).not.toEqual(a.json.data[1].b64_json);
    expect(sandbox.stats).toMatchObject({ imagesRendered: 2, cacheHits: 2, imagesServed: 4 });
    expect(sandbox.stats.generations.together).toBe(2);
  });

  it('uses a random seed when none is given, still answering validly', async () => {
    const body = { model: FLUX, prompt: 'no seed', width: 128, height: 128, response_format: 'base64' };
    const a = await postJson(`${sandbox.urls.together}/images/generations`, body);
    const b = await postJson(`${sandbox.urls.together}/images/generations`, body);
    expect(validator.validateResponse('together', a.json)).toEqual([]);
    expect(a.json.data[0].b64_json).not.toEqual(b.json.data[0].b64_json);
  });

  it('answers malformed JSON, wrong types and unknown routes in the provider envelope', async () => {
    const bad = await postJson(`${sandbox.urls.openai}/images/generations`, '{"prompt": ');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/could not parse the JSON body/);
    const wrongType = await postJson(`${sandbox.urls.together}/images/generations`, {
      model: FLUX,
      prompt: 'p',
      n: 'two',
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error).toMatchObject({ param: 'n', code: 'invalid_type' });
    expect(validator.validateError('together', wrongType.json)).toEqual([]);
    const missing = await getJson(`${sandbox.urls.r9s}/images/variations`);
    expect(missing.status).toBe(404);
    expect(missing.json.status).toBe(404);
  });

  it('streams GPT image generations as server-sent events', async () => {
    const res = await fetch(`${sandbox.urls.openai}/images/generations`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-image-1',
        prompt: 'stream',
        size: '1024x1024',
        stream: true,
        partial_images: 2,
        quality: 'low',
      }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text())
      .trim()
      .split('\n\n')
      .map((block) => block.split('\n'));
    expect(events.map((lines) => lines[0])).toEqual([
      'event: image_generation.partial_image',
      'event: image_generation.partial_image',
      'event: image_generation.completed',
    ]);
    const completed = JSON.parse(events[2]![1]!.slice('data: '.length));
    expect(completed).toMatchObject({
      type: 'image_generation.completed',
      size: '1024x1024',
      usage: { output_tokens: 272 },
    });
  });

  it('reports counters through the control routes too', async () => {
    const res = await getJson(`${sandbox.url}/_sandbox/stats`, {});
    expect(res.json).toMatchObject({ requests: expect.any(Number), faults: { 'rate-limit': expect.any(Number) } });
  });
});

describe('image URL lifetime', () => {
  it('expires image URLs after the configured TTL, refusing them like a signed-URL store', async () => {
    const sandbox = await startSandbox({ urlTtlMs: 1500 });
    try {
      const res = await postJson(`${sandbox.urls.openai}/images/generations`, request('openai', 'url'));
      const url: string = res.json.data[0].url;
      expect((await fetch(url)).status).toBe(200);
      const expiry = Date.parse(new URL(url).searchParams.get('se')!);
      expect(expiry - Date.now()).toBeLessThanOrEqual(1500);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry - Date.now()) + 50));
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(expired.headers.get('content-type')).toBe('application/xml');
      expect(await expired.text()).toMatch(/<Code>AuthenticationFailed<\/Code>.*Signed expiry time/s);
    } finally {
      await sandbox.close();
    }
  });
});

describe('authentication with a configured key', () => {
  it('requires the bearer to equal the key', async () => {
    const sandbox = await startSandbox({ apiKey: 'sk-sandbox-secret' });
    try {
      const url = `${sandbox.urls.openai}/images/generations`;
      const wrong = await postJson(url, { prompt: 'p' }, { authorization: 'Bearer sk-wrong-key-123456' });
      expect(wrong.status).toBe(401);
      expect(wrong.json.error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
      expect(wrong.text).not.toContain('sk-wrong-key-123456');
      const right = await postJson(
        url,
        { prompt: 'p', size: '256x256' },
        { authorization: 'Bearer sk-sandbox-secret' },
      );
      expect(right.status).toBe(200);
      expect((await getJson(`${sandbox.urls.together}/models`, { authorization: 'Bearer nope' })).status).toBe(401);
    } finally {
      await sandbox.close();
    }
  });
});

describe('latency model', () => {
  it('delays each image by latencyMs, so concurrent requests overlap', async () => {
    // Margins are wide on purpose (a loaded CI machine is slow): one second per image, and "overlap" means
    // four requests finish well before the four seconds they would take one after another.
    const sandbox = await startSandbox({ latencyMs: 1_000 });
    try {
      const body = { model: FLUX, prompt: 'slow', width: 64, height: 64, response_format: 'base64' };
      let started = performance.now();
      await postJson(`${sandbox.urls.together}/images/generations`, { ...body, n: 2 });
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_995);
      started = performance.now();
      await Promise.all(Array.from({ length: 4 }, () => postJson(`${sandbox.urls.together}/images/generations`, body)));
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(995);
      expect(elapsed).toBeLessThan(3_000);
      started = performance.now();
      await postJson(`${sandbox.urls.together}/images/generations`, body, { 'x-sandbox-latency-ms': '0' });
      expect(performance.now() - started).toBeLessThan(990);
    } finally {
      await sandbox.close();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a key spends its bucket, per key', async () => {
    const sandbox = await startSandbox({ rateLimit: { capacity: 2, refillPerSecond: 0.5 } });
    try {
      const url = `${sandbox.urls.openai}/images/generations`;
      const body = { prompt: 'p', size: '256x256' };
      expect((await postJson(url, body)).status).toBe(200);
      expect((await postJson(url, body)).status).toBe(200);
      const limited = await postJson(url, body);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');
      expect(limited.json.error).toMatchObject({ code: 'rate_limit_exceeded' });
      expect(validator.validateError('openai', limited.json)).toEqual([]);
      expect((await postJson(url, body, { authorization: 'Bearer another-key' })).status).toBe(200);
      const r9s = await postJson(`${sandbox.urls.r9s}/images/generations`, body);
      expect(r9s).toMatchObject({ status: 429, json: { status: 429 } });
      expect(sandbox.stats.rateLimited).toBe(2);
    } finally {
      await sandbox.close();
    }
  });
});
