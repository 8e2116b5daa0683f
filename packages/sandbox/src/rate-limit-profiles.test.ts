import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, type JsonResponse } from './__fixtures__/http.js';
import type { ProviderName } from './providers.js';
import { SpecValidator } from './spec-validator.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';
import type { RateLimitOptions } from './token-bucket.js';

// Each stand-in reports the token bucket the way its provider does (rate-limit-profiles.ts names the sources).
// Most buckets here refill one token an hour, so the waits they report are an hour less the test's own run time:
// the bounds below allow a minute of that.
const validator = new SpecValidator();
const HOUR_MS = 3_600_000;
const SLACK_MS = 60_000;
const HOURLY = 1 / 3600;

const BODIES: Record<ProviderName, Record<string, unknown>> = {
  together: { model: 'black-forest-labs/FLUX.1-schnell', prompt: 'p', width: 64, height: 64, response_format: 'url' },
  openai: { model: 'dall-e-2', prompt: 'p', size: '256x256', response_format: 'url' },
  r9s: { model: 'gpt-4o-mini', prompt: 'p', size: '512x512', response_format: 'url' },
  'ai-stats': { model: 'openai/dall-e-2', prompt: 'p', size: '256x256', response_format: 'url' },
};

/** Reads a Go `time.Duration` string (`12ms`, `1.5s`, `6m0s`, `1h2m3.5s`) into ms, failing on anything else. */
function parseGoDuration(text: string | null): number {
  expect(text).toMatch(/^(?:(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?s|\d+ms)$/);
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let ms = 0;
  for (const [, amount, name] of text!.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) ms += Number(amount) * unit[name!]!;
  return ms;
}

function rateHeaderNames(res: JsonResponse): string[] {
  return [...res.headers.keys()].filter((name) => /^(x-ratelimit|x-tokenlimit|retry-after)/.test(name));
}

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

async function start(rateLimit: RateLimitOptions): Promise<Sandbox> {
  sandbox = await startSandbox({ rateLimit });
  return sandbox;
}

function post(provider: ProviderName, key = `sk-${provider}`): Promise<JsonResponse> {
  return postJson(`${sandbox!.urls[provider]}/images/generations`, BODIES[provider], {
    authorization: `Bearer ${key}`,
  });
}

describe('OpenAI stand-in', () => {
  it('reports the bucket on every answer; its 429 carries retry-after, retry-after-ms and OpenAI’s body', async () => {
    await start({ capacity: 3, refillPerSecond: HOURLY });
    const resets: number[] = [];
    for (const remaining of [2, 1, 0]) {
      const res = await post('openai');
      expect(res.status, res.text).toBe(200);
      expect(validator.validateResponse('openai', res.json)).toEqual([]);
      expect(res.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(res.headers.get('x-ratelimit-remaining-requests')).toBe(String(remaining));
      expect(res.headers.get('retry-after')).toBeNull();
      resets.push(parseGoDuration(res.headers.get('x-ratelimit-reset-requests')));
    }
    // Time until full: one more hour per token spent.
    resets.forEach((reset, i) => {
      expect(reset).toBeLessThanOrEqual((i + 1) * HOUR_MS);
      expect(reset).toBeGreaterThan((i + 1) * HOUR_MS - SLACK_MS);
    });

    const limited = await post('openai');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const retryAfterMs = Number(limited.headers.get('retry-after-ms'));
    expect(Number.isInteger(retryAfterMs)).toBe(true);
    expect(retryAfterMs).toBeLessThanOrEqual(HOUR_MS);
    expect(retryAfterMs).toBeGreaterThan(HOUR_MS - SLACK_MS);
    expect(limited.headers.get('retry-after')).toBe(String(Math.ceil(retryAfterMs / 1000)));
    // Full again two hours after the next token is due: the 3 spent less the one that next arrives.
    expect(
      Math.abs(parseGoDuration(limited.headers.get('x-ratelimit-reset-requests')) - retryAfterMs - 2 * HOUR_MS),
    ).toBeLessThanOrEqual(1);
    expect(limited.json.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
    const wait =
      /^Rate limit reached for requests in organization org-sandbox: Limit 3, Used 3, Requested 1\. Please try again in (\S+)\. Visit https:\/\/platform\.openai\.com\/account\/rate-limits to learn more\.$/.exec(
        limited.json.error.message,
      );
    expect(wait, limited.json.error.message).not.toBeNull();
    expect(parseGoDuration(wait![1]!)).toBe(retryAfterMs);
    expect(validator.validateError('openai', limited.json)).toEqual([]);
    expect(sandbox!.stats.rateLimited).toBe(1);
  });

  it('puts the headers on streams and on error answers the bucket let through', async () => {
    await start({ capacity: 5, refillPerSecond: HOURLY });
    const url = `${sandbox!.urls.openai}/images/generations`;
    const stream = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-1', prompt: 'p', size: '1024x1024', quality: 'low', stream: true }),
    });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.headers.get('x-ratelimit-remaining-requests')).toBe('4');
    await stream.text();
    const invalid = await postJson(url, { prompt: 'p', size: '7x7' }, { authorization: 'Bearer k' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-ratelimit-remaining-requests')).toBe('3');
    expect(invalid.headers.get('x-ratelimit-limit-requests')).toBe('5');
  });

  it('lets a request through once the advised wait has passed', async () => {
    await start({ capacity: 1, refillPerSecond: 5 });
    // Spend the bucket faster than it refills (a slow request may find a token again, so keep going).
    let limited: JsonResponse | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const res = await post('openai');
      if (res.status === 429) limited = res;
      else expect(res.status, res.text).toBe(200);
    }
    expect(limited, 'a 429 within 20 requests').toBeDefined();
    const waitMs = Number(limited!.headers.get('retry-after-ms'));
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(200);
    expect(limited!.headers.get('retry-after')).toBe('1'); // whole seconds, rounded up
    await sleep(waitMs + 1);
    expect((await post('openai')).status).toBe(200);
  });
});

describe('Together stand-in', () => {
  it('sends no rate-limit header on success, and x-ratelimit-reset (seconds) without Retry-After on 429', async () => {
    await start({ capacity: 2, refillPerSecond: HOURLY });
    for (let i = 0; i < 2; i++) {
      const res = await post('together');
      expect(res.status, res.text).toBe(200);
      expect(rateHeaderNames(res)).toEqual([]);
    }
    const limited = await post('together');
    expect(limited.status).toBe(429);
    expect(rateHeaderNames(limited)).toEqual(['x-ratelimit-reset']);
    const reset = limited.headers.get('x-ratelimit-reset')!;
    expect(reset).toMatch(/^\d+(?:\.\d+)?$/);
    expect(Number(reset) * 1000).toBeLessThanOrEqual(HOUR_MS);
    expect(Number(reset) * 1000).toBeGreaterThan(HOUR_MS - SLACK_MS);
    expect(limited.json).toEqual({
      error: {
        message: expect.stringContaining(`retry in ${reset} seconds`),
        type: 'dynamic_request_limited',
        param: null,
        code: null,
      },
    });
    expect(validator.validateError('together', limited.json)).toEqual([]);
  });

  it("sends the older per-second set on every answer with headers: 'all'", async () => {
    await start({ capacity: 2, refillPerSecond: HOURLY, headers: 'all' });
    const resets: number[] = [];
    for (const remaining of [1, 0]) {
      const res = await post('together');
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('2');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(remaining));
      expect(res.headers.get('retry-after')).toBeNull();
      resets.push(Number(res.headers.get('x-ratelimit-reset')) * 1000);
    }
    // On a success the reset is the time until the bucket is full again (one hour per token spent)…
    expect(resets[0]).toBeGreaterThan(HOUR_MS - SLACK_MS);
    expect(resets[1]).toBeGreaterThan(2 * HOUR_MS - SLACK_MS);
    expect(resets[1]).toBeLessThanOrEqual(2 * HOUR_MS);
    const limited = await post('together');
    expect(limited.status).toBe(429);
    expect(rateHeaderNames(limited).sort()).toEqual([
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
    ]);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    // …and on a 429 the wait before retrying: one token, not a full bucket.
    const wait = Number(limited.headers.get('x-ratelimit-reset')) * 1000;
    expect(wait).toBeLessThanOrEqual(HOUR_MS);
    expect(wait).toBeGreaterThan(HOUR_MS - SLACK_MS);
    expect(validator.validateError('together', limited.json)).toEqual([]);
  });
});

describe('r9s and AI Stats stand-ins', () => {
  it('r9s: no rate-limit header on success; 429 is R9SError with Retry-After only', async () => {
    await start({ capacity: 1, refillPerSecond: HOURLY, headers: 'all' });
    const ok = await post('r9s');
    expect(ok.status, ok.text).toBe(200);
    expect(rateHeaderNames(ok)).toEqual([]);
    const limited = await post('r9s');
    expect(limited.status).toBe(429);
    expect(rateHeaderNames(limited)).toEqual(['retry-after']);
    const seconds = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(seconds)).toBe(true);
    expect(seconds * 1000).toBeLessThanOrEqual(HOUR_MS);
    expect(seconds * 1000).toBeGreaterThan(HOUR_MS - SLACK_MS);
    expect(limited.json).toMatchObject({ status: 429, error: { code: 'rate_limit_exceeded' } });
    expect(validator.validateError('r9s', limited.json)).toEqual([]);
  });

  it('AI Stats: no rate-limit header at all; 429 is its key_limit_exceeded body with reset_at', async () => {
    await start({ capacity: 1, refillPerSecond: HOURLY });
    const ok = await post('ai-stats');
    expect(ok.status, ok.text).toBe(200);
    expect(rateHeaderNames(ok)).toEqual([]);
    const before = Date.now();
    const limited = await post('ai-stats');
    expect(limited.status).toBe(429);
    expect(rateHeaderNames(limited)).toEqual([]);
    expect(limited.headers.get('x-gateway-error-attribution')).toBe('upstream');
    expect(limited.json).toMatchObject({
      error: 'key_limit_exceeded',
      status_code: 429,
      generation_id: limited.headers.get('x-request-id'),
      reason: expect.any(String),
    });
    const resetAt = Date.parse(limited.json.reset_at);
    expect(new Date(resetAt).toISOString()).toBe(limited.json.reset_at);
    expect(resetAt - before).toBeLessThanOrEqual(HOUR_MS + SLACK_MS);
    expect(resetAt - before).toBeGreaterThan(HOUR_MS - SLACK_MS);
  });
});

it('keeps one bucket per key, shared by the stand-ins', async () => {
  await start({ capacity: 1, refillPerSecond: HOURLY });
  expect((await post('openai', 'shared')).status).toBe(200);
  expect((await post('together', 'shared')).status).toBe(429);
  expect((await post('together', 'other')).status).toBe(200);
});
