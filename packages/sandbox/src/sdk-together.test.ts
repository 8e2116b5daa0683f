import Together from 'together-ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { colourDistance, dataUrl, meanColour, solidPng } from './__fixtures__/colour.js';
import { imageInfo } from './__fixtures__/http.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

// The official together-ai SDK, unchanged but for baseURL and apiKey.
describe('official together-ai SDK against the sandbox', () => {
  const apiKey = 'tg-sandbox-key';
  const model = 'black-forest-labs/FLUX.1-schnell';
  let sandbox: Sandbox;
  let client: Together;
  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey });
    client = new Together({ baseURL: sandbox.urls.together, apiKey, maxRetries: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.stats.reset());

  it('generates base64 images', async () => {
    const response = await client.images.generate({
      model,
      prompt: 'A sunset over mountains',
      width: 768,
      height: 512,
      steps: 4,
      n: 2,
      response_format: 'base64',
    });
    expect(response.object).toBe('list');
    expect(response.data).toHaveLength(2);
    for (const [index, item] of response.data.entries()) {
      expect(item).toMatchObject({ index, type: 'b64_json' });
      expect(await imageInfo(Buffer.from(item.b64_json, 'base64'))).toEqual({
        format: 'jpeg',
        width: 768,
        height: 512,
      });
    }
  });

  it('generates URL images by default', async () => {
    const response = await client.images.generate({
      model,
      prompt: 'A cartoon of an astronaut riding a horse on the moon',
      output_format: 'png',
    });
    const item = response.data[0]!;
    expect(item.type).toBe('url');
    const bytes = Buffer.from(await (await fetch(item.url)).arrayBuffer());
    expect(await imageInfo(bytes)).toEqual({ format: 'png', width: 1024, height: 1024 });
  });

  it('edits with image_url on FLUX.1 Kontext', async () => {
    const red = await solidPng(256, 256, '#e01010');
    const params = {
      model: 'black-forest-labs/FLUX.1-kontext-pro',
      prompt: 'A lighthouse at dusk',
      width: 512,
      height: 512,
      seed: 9,
      response_format: 'base64',
    } as const;
    const edit = await client.images.generate({ ...params, image_url: dataUrl(red) });
    const generated = await client.images.generate(params);
    const first = (response: typeof edit): Buffer => {
      const item = response.data[0]!;
      if (item.type !== 'b64_json') throw new Error(`expected a base64 item, got ${item.type}`);
      return Buffer.from(item.b64_json, 'base64');
    };
    expect(await imageInfo(first(edit))).toEqual({ format: 'jpeg', width: 512, height: 512 });
    const input = await meanColour(red);
    expect(colourDistance(await meanColour(first(edit)), input)).toBeLessThan(
      colourDistance(await meanColour(first(generated)), input) / 2,
    );
    const refused = await client.images
      .generate({ ...params, model: 'black-forest-labs/FLUX.1-schnell', image_url: dataUrl(red) })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Together.BadRequestError);
  });

  it('sees errors as its own typed errors', async () => {
    const wrongKey = new Together({ baseURL: sandbox.urls.together, apiKey: 'nope', maxRetries: 0 });
    expect(await wrongKey.images.generate({ model, prompt: 'p' }).catch((e: unknown) => e)).toBeInstanceOf(
      Together.AuthenticationError,
    );
    const tooMany = await client.images.generate({ model, prompt: 'p', n: 5 }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(Together.BadRequestError);
    const unknown = await client.images.generate({ model: 'acme/painter', prompt: 'p' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Together.NotFoundError);
    const limited = await client.images
      .generate({ model, prompt: 'p' }, { headers: { 'x-sandbox-fault': 'rate-limit' } })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Together.RateLimitError);
    expect((limited as InstanceType<typeof Together.RateLimitError>).headers.get('retry-after')).toBe('1');
    const down = await client.images
      .generate({ model, prompt: 'p' }, { headers: { 'x-sandbox-fault': 'unavailable' } })
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(Together.InternalServerError);
    expect(sandbox.stats.faults).toMatchObject({ 'rate-limit': 1, unavailable: 1 });
  });

  it('sees truncated JSON as an error, not as data', async () => {
    const error = await client.images
      .generate(
        { model, prompt: 'p', width: 128, height: 128, response_format: 'base64' },
        { headers: { 'x-sandbox-fault': 'truncated-json' } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(sandbox.stats.faults['truncated-json']).toBe(1);
  });
});
