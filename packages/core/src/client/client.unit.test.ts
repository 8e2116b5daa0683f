import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAIBody, togetherBody } from '../__fixtures__/images-response.js';
import { createPictorClient } from './node-client.js';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  type PictorError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  UnprocessableEntityError,
  ValidationError,
} from '../errors/index.js';

const KEY = 'sk-unit-SECRET-0123456789';
let agent: MockAgent;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

const client = (provider: 'together' | 'openai' | 'r9s' | 'ai-stats' = 'together', maxRetries = 0) =>
  createPictorClient({ provider, apiKey: KEY, dispatcher: agent, maxRetries, retryDelay: { initialMs: 1, maxMs: 2 } });

function intercept(origin: string, path: string) {
  return agent.get(origin).intercept({ path, method: 'POST' });
}

describe('requests on the wire (MockAgent)', () => {
  it('sends the mapped body, the bearer key and an idempotency key to the preset base URL', async () => {
    let seen: { body: unknown; headers: Record<string, string> } | undefined;
    intercept('https://api.together.xyz', '/v1/images/generations').reply(200, (opts) => {
      seen = { body: JSON.parse(String(opts.body)), headers: opts.headers as Record<string, string> };
      return togetherBody(1);
    });
    const result = await client().generate({ prompt: 'a fox', seed: 5, steps: 4 });
    expect(seen?.body).toEqual({
      model: 'black-forest-labs/FLUX.1-schnell',
      prompt: 'a fox',
      n: 1,
      seed: 5,
      steps: 4,
      response_format: 'base64',
    });
    expect(seen?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen?.headers['idempotency-key']).toMatch(/^pictor-/);
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({
      index: 0,
      mediaType: 'image/png',
      extension: 'png',
      width: 8,
      height: 8,
      seed: 5,
    });
    expect(result.images[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(result.images[0]!.base64, 'base64').equals(result.images[0]!.bytes)).toBe(true);
  });

  it('reads OpenAI revised prompts and usage, and reports unsupported settings as warnings', async () => {
    intercept('https://api.openai.com', '/v1/images/generations').reply(200, openAIBody(2));
    const result = await client('openai').generate({ prompt: 'x', n: 2, seed: 1, steps: 3 });
    expect(result.images.map((i) => i.revisedPrompt)).toEqual(['revised', 'revised']);
    expect(result.usage).toMatchObject({ total_tokens: 15 });
    expect(result.warnings.map((w) => w.type === 'unsupported-setting' && w.setting)).toEqual(['seed', 'steps']);
  });

  it('rejects invalid input before any network call (no interceptor is consumed)', async () => {
    await expect(client().generate({ prompt: '', n: -1 } as never)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('error envelopes map to typed errors', () => {
  const cases: Array<[number, unknown, new (...a: never[]) => PictorError, string]> = [
    [
      400,
      { error: { message: 'bad size', type: 'invalid_request_error', param: 'size', code: null } },
      BadRequestError,
      'bad size',
    ],
    [
      401,
      { error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_api_key' } },
      AuthenticationError,
      'Incorrect API key provided: [redacted]',
    ],
    [403, { error: { message: 'no access', type: 'forbidden' }, status: 403 }, PermissionDeniedError, 'no access'],
    [404, { error: { message: 'model not found', type: 'not_found' } }, NotFoundError, 'model not found'],
    [409, { error: { message: 'conflict', type: 'conflict' } }, ConflictError, 'conflict'],
    [
      422,
      { error: { message: 'unprocessable', type: 'invalid' }, status: 422 },
      UnprocessableEntityError,
      'unprocessable',
    ],
    [429, { error: { message: 'slow down', type: 'rate_limit' } }, RateLimitError, 'slow down'],
    [
      429,
      { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } },
      QuotaExceededError,
      'quota',
    ],
    [500, { error: { message: 'boom', type: 'server_error' } }, InternalServerError, 'boom'],
    [503, { error: { message: 'overloaded', type: 'unavailable' } }, ServiceUnavailableError, 'overloaded'],
    [502, 'Bad gateway from upstream', ServerError, 'Bad gateway from upstream'],
    [
      401,
      { ok: false, error: 'unauthorized', message: 'Invalid gateway key' },
      AuthenticationError,
      'Invalid gateway key',
    ],
  ];
  for (const [status, body, cls, message] of cases) {
    it(`${status} ${cls.name}: ${message}`, async () => {
      intercept('https://api.openai.com', '/v1/images/generations').reply(
        status,
        typeof body === 'string' ? body : JSON.stringify(body),
        {
          headers: { 'x-request-id': 'req_123' },
        },
      );
      const error = await client('openai')
        .generate({ prompt: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(cls);
      expect((cls as unknown as typeof PictorError).isInstance(error)).toBe(true);
      const e = error as InstanceType<typeof BadRequestError>;
      expect(e.status).toBe(status);
      expect(e.providerMessage).toContain(message);
      expect(e.requestId).toBe('req_123');
      expect(e.attempts).toBe(1);
      const everything = [e.message, String(e), JSON.stringify(e), JSON.stringify(e.headers), e.stack].join('\n');
      expect(everything).not.toContain(KEY);
    });
  }

  it('retries a 500 and succeeds with the same idempotency key', async () => {
    const keys: string[] = [];
    const origin = agent.get('https://api.together.xyz');
    origin.intercept({ path: '/v1/images/generations', method: 'POST' }).reply((opts) => {
      keys.push((opts.headers as Record<string, string>)['idempotency-key']!);
      return { statusCode: 500, data: { error: { message: 'boom', type: 'server_error' } } };
    });
    origin.intercept({ path: '/v1/images/generations', method: 'POST' }).reply((opts) => {
      keys.push((opts.headers as Record<string, string>)['idempotency-key']!);
      return { statusCode: 200, data: togetherBody(1) };
    });
    const result = await client('together', 2).generate({ prompt: 'x' });
    expect(result.calls[0]!.attempts).toBe(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('does not retry a 400, a quota 429, or a 5xx marked x-should-retry: false', async () => {
    intercept('https://api.together.xyz', '/v1/images/generations').reply(400, {
      error: { message: 'no', type: 'invalid' },
    });
    await expect(client('together', 3).generate({ prompt: 'x' })).rejects.toMatchObject({ attempts: 1, status: 400 });
    intercept('https://api.together.xyz', '/v1/images/generations').reply(429, {
      error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' },
    });
    await expect(client('together', 3).generate({ prompt: 'x' })).rejects.toMatchObject({ attempts: 1, status: 429 });
    intercept('https://api.together.xyz', '/v1/images/generations').reply(
      503,
      { error: { message: 'down', type: 'x' } },
      { headers: { 'x-should-retry': 'false' } },
    );
    await expect(client('together', 3).generate({ prompt: 'x' })).rejects.toMatchObject({ attempts: 1, status: 503 });
  });

  it('retries a 400 the server marks x-should-retry: true', async () => {
    const origin = agent.get('https://api.together.xyz');
    origin
      .intercept({ path: '/v1/images/generations', method: 'POST' })
      .reply(400, { error: { message: 'again', type: 'x' } }, { headers: { 'x-should-retry': 'true' } });
    origin.intercept({ path: '/v1/images/generations', method: 'POST' }).reply(200, togetherBody(1));
    expect((await client('together', 1).generate({ prompt: 'x' })).images).toHaveLength(1);
  });

  it('lists only image models from both shapes of GET /models', async () => {
    agent
      .get('https://api.together.xyz')
      .intercept({ path: '/v1/models', method: 'GET' })
      .reply(200, [
        { id: 'black-forest-labs/FLUX.1-schnell', type: 'image', display_name: 'FLUX.1 [schnell]' },
        { id: 'meta-llama/Llama-3-8b', type: 'chat' },
      ]);
    expect((await client().listModels()).map((m) => [m.id, m.name])).toEqual([
      ['black-forest-labs/FLUX.1-schnell', 'FLUX.1 [schnell]'],
    ]);
    agent
      .get('https://api.openai.com')
      .intercept({ path: '/v1/models', method: 'GET' })
      .reply(200, {
        object: 'list',
        data: [
          { id: 'gpt-image-1', object: 'model', owned_by: 'openai' },
          { id: 'gpt-4o', object: 'model' },
        ],
      });
    expect((await client('openai').listModels()).map((m) => m.id)).toEqual(['gpt-image-1']);
  });
});

describe('client options', () => {
  it('names bad options and refuses a missing key for real providers', () => {
    expect(() => createPictorClient({ provider: 'together' })).toThrow(/apiKey: is required for Together AI/);
    expect(() => createPictorClient({ provider: 'custom', apiKey: 'k' })).toThrow(/baseURL: is required/);
    expect(() => createPictorClient({ provider: 'nope' as never })).toThrow(/provider/);
    expect(() => createPictorClient({ provider: 'sandbox', timeoutMs: -1, baseURL: 'ftp://x' })).toThrow(
      /timeoutMs.*baseURL|baseURL.*timeoutMs/,
    );
    expect(() => createPictorClient({ provider: 'sandbox', apikey: 'typo' } as never)).toThrow(/apikey/);
  });
});
