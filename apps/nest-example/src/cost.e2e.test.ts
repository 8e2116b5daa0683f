import type { INestApplication } from '@nestjs/common';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bootOpenAiApp, captureLogs } from './__fixtures__/openai-app.js';
import type { Env } from './env.js';
import { bootstrap } from './bootstrap.js';

// Cost, the dry run and the app's budget through the real HTTP app. The sandbox is priced as Together: one
// 1024×1024 FLUX.1 [schnell] image is 1.048576 MP × $0.0027 ≈ $0.00283, so $0.006 pays for two.

const API_KEY = 'nest-cost-provider-key-c41e07';
const PER_IMAGE = 1.048576 * 0.0027;
const ONE = { prompt: 'a lighthouse at dusk', size: '1024x1024' };

let sandbox: Sandbox;
let app: INestApplication | undefined;
let logs: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.stats.reset());
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(overrides: Env = {}) {
  const captured = captureLogs();
  logs = captured.lines;
  app = await bootstrap(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      PICTOR_PROVIDER: 'together',
      PICTOR_BASE_URL: sandbox.urls.together,
      PICTOR_API_KEY: API_KEY,
      PICTOR_MAX_RETRIES: '0',
      ...overrides,
    },
    { logger: captured.logger, abortOnError: false },
  );
  return request(await app.getUrl());
}

interface Cost {
  usd: number | null;
  basis: string;
}

describe('cost in the answers', () => {
  it('POST /images answers the cost of the generation and of each image', async () => {
    const http = await boot();
    const res = await http
      .post('/images')
      .send({ ...ONE, n: 2 })
      .expect(201);

    expect(res.body.cost).toEqual({ usd: expect.closeTo(2 * PER_IMAGE, 9), basis: 'estimate' });
    expect(res.body.usage).toBeNull(); // Together reports none
    expect(res.body.images.map((image: { cost: Cost }) => image.cost)).toEqual([
      { usd: expect.closeTo(PER_IMAGE, 9), basis: 'estimate' },
      { usd: expect.closeTo(PER_IMAGE, 9), basis: 'estimate' },
    ]);
  });

  it('POST /images/edits answers the cost from the tokens the provider reported (OpenAI gpt-image-1)', async () => {
    app = await bootOpenAiApp(sandbox, API_KEY, captureLogs().logger);
    const photo = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#2040c0' } })
      .png()
      .toBuffer();
    const res = await request(await app.getUrl())
      .post('/images/edits')
      .field('prompt', 'make it stormy')
      .field('size', '1024x1024')
      .attach('image', photo, { filename: 'photo.png', contentType: 'image/png' })
      .expect(201);

    const { usage } = res.body as {
      usage: { output_tokens: number; input_tokens_details: { text_tokens: number; image_tokens: number } };
    };
    expect(usage.input_tokens_details.image_tokens).toBeGreaterThan(0); // the uploaded image counts as input
    // gpt-image-1, per million tokens: text in $5, image in $10, image out $40.
    const { text_tokens: text, image_tokens: image } = usage.input_tokens_details;
    const usd = (text * 5 + image * 10 + usage.output_tokens * 40) / 1_000_000;
    expect(res.body.cost).toEqual({ usd: expect.closeTo(usd, 9), basis: 'usage' });
    expect(res.body.images[0].cost).toEqual({ usd: expect.closeTo(usd, 9), basis: 'usage' });
  });

  it('says null, never 0, for a model with no known price', async () => {
    // A custom Together-dialect gateway: Pictor knows no price for its FLUX models.
    const http = await boot({
      PICTOR_PROVIDER: 'custom',
      PICTOR_DIALECT: 'together',
      PICTOR_MODEL: 'black-forest-labs/FLUX.1-schnell',
    });
    const res = await http.post('/images').send(ONE).expect(201);

    expect(res.body.cost).toEqual({ usd: null, basis: 'unknown' });
    expect(res.body.images[0].cost).toEqual({ usd: null, basis: 'unknown' });
  });
});

describe('POST /images/estimate', () => {
  it('answers what POST /images would cost, calling no provider, and it is what the generation then costs', async () => {
    const http = await boot();
    const body = { prompt: 'tide pools', n: 6, size: '512x512' };

    const estimate = await http.post('/images/estimate').send(body).expect(200);

    expect(sandbox.stats.requests).toBe(0);
    expect(estimate.body).toEqual({
      provider: 'together',
      model: 'black-forest-labs/FLUX.1-schnell',
      images: 6,
      // Together makes at most four images a call.
      calls: [
        { n: 4, width: 512, height: 512, cost: { usd: expect.closeTo(4 * 0.262144 * 0.0027, 9), basis: 'estimate' } },
        { n: 2, width: 512, height: 512, cost: { usd: expect.closeTo(2 * 0.262144 * 0.0027, 9), basis: 'estimate' } },
      ],
      cost: { usd: expect.closeTo(6 * 0.262144 * 0.0027, 9), basis: 'estimate' },
      source: expect.stringContaining('together.ai'),
      budget: null,
      warnings: [],
    });
    const generated = await http.post('/images').send(body).expect(201);
    expect(generated.body.cost).toEqual(estimate.body.cost);
  });

  it('refuses a bad body with 400 naming the field, as POST /images does', async () => {
    const http = await boot();
    const res = await http.post('/images/estimate').send({ prompt: 'x', n: 0, model: 'y' }).expect(400);

    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['model', 'n']);
    expect(sandbox.stats.requests).toBe(0);
  });
});

describe('PICTOR_MAX_COST, the app’s budget', () => {
  it('answers 402 with the figures once a generation would pass it, sending nothing, and the dry run shows it', async () => {
    const http = await boot({ PICTOR_MAX_COST: '0.006' });
    await http.post('/images').send(ONE).expect(201);
    await http.post('/images').send(ONE).expect(201);

    const refused = await http.post('/images').send(ONE).expect(402);

    expect(refused.body).toEqual({
      statusCode: 402,
      error: 'Payment Required',
      message: expect.stringMatching(
        /^Budget exceeded: this call would cost about \$0\.0028, with \$0\.0057 of the \$0\.0060 budget .*not sent$/,
      ),
      limitUsd: 0.006,
      spentUsd: expect.closeTo(2 * PER_IMAGE, 9),
      callUsd: expect.closeTo(PER_IMAGE, 9),
    });
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(sandbox.stats.generations.together).toBe(2);
    expect(logs.some((line) => line.startsWith('warn 402 after BudgetExceededError'))).toBe(true);

    const estimate = await http.post('/images/estimate').send(ONE).expect(200);
    expect(estimate.body.budget).toEqual({
      limitUsd: 0.006,
      spentUsd: expect.closeTo(2 * PER_IMAGE, 9),
      reservedUsd: 0,
    });
    expect(sandbox.stats.generations.together).toBe(2);
    for (const text of [refused.text, estimate.text, ...logs]) expect(text).not.toContain(API_KEY);
  });

  it('stops the boot on a value that is not a number of dollars, naming the variable', async () => {
    const error = await boot({ PICTOR_MAX_COST: 'ten' }).then(
      () => expect.fail('the app booted'),
      (e: unknown) => e as Error,
    );

    expect(error.message).toMatch(/^Invalid configuration: PICTOR_MAX_COST: must be a number of US dollars/);
  });
});
