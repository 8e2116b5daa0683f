import {
  createPictorClient,
  PictorError,
  type PictorClient,
  type PictorClientOptions,
  type RetryEvent,
} from '@pictor/core';
import { FAULT_NAMES, startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHOES, startEchoGateway, type Echo, type EchoGateway } from './__fixtures__/echo-gateway.ts';
import { errorLeaks, KEY, KEY_SECRET, leaksIn, SANDBOX_KEY } from './__fixtures__/leak-check.ts';

// Core is every front door's floor: its errors (message, String, stack, JSON, toJSON, util.inspect and the
// whole cause chain), its retry events and its partial-failure results must never carry the key, whatever the
// provider does — refuse it, fail in any of the sandbox's ways, or echo it back.

let guarded: Sandbox;
let open: Sandbox;
const clients: PictorClient[] = [];

beforeAll(async () => {
  guarded = await startSandbox({ apiKey: SANDBOX_KEY });
  open = await startSandbox({ oversizedBytes: 256 * 1024 });
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await guarded.close();
  await open.close();
});

function client(options: PictorClientOptions): PictorClient {
  const c = createPictorClient({ retryDelay: { initialMs: 1, maxMs: 5 }, ...options });
  clients.push(c);
  return c;
}

/** Runs `fn`, returning what it threw plus every error handed to `onRetry` on the way. */
async function failures(
  make: (onRetry: (e: RetryEvent) => void) => Promise<unknown>,
): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  let n = 0;
  const result = await make((event) => {
    seen[`retry ${++n}`] = event.error;
  }).then(
    (value) => {
      const failed = (value as { failures?: Array<{ error: unknown }> } | undefined)?.failures ?? [];
      failed.forEach((f, i) => (seen[`failure ${i}`] = f.error));
      return value;
    },
    (error: unknown) => {
      seen.thrown = error;
      return undefined;
    },
  );
  if (result !== undefined) seen.result = JSON.stringify(result, (k, v) => (k === 'bytes' ? undefined : v));
  return seen;
}

const STAND_INS = [
  { provider: 'together', model: 'black-forest-labs/FLUX.1-schnell' },
  { provider: 'openai', model: 'dall-e-2' },
  { provider: 'r9s', model: 'dall-e-2' },
  { provider: 'ai-stats', model: 'openai/dall-e-2' },
] as const;

describe('core never gives the key away', () => {
  it.each(STAND_INS)(
    'a refused key at the $provider stand-in: generate and listModels',
    async ({ provider, model }) => {
      const seen = await failures((onRetry) =>
        client({ provider, apiKey: KEY, baseURL: guarded.urls[provider], model, onRetry }).generate({
          prompt: 'a locked door',
        }),
      );
      const models = await failures((onRetry) =>
        client({ provider, apiKey: KEY, baseURL: guarded.urls[provider], onRetry }).listModels(),
      );
      expect((seen.thrown as PictorError).name).toBe('AuthenticationError');
      expect((models.thrown as PictorError).name).toBe('AuthenticationError');
      // The stand-in masks the key as the provider does (first 3 and last 4 characters): the test can see a leak.
      expect((seen.thrown as { providerMessage: string }).providerMessage).toMatch(
        /Incorrect API key provided: sk-\*+/,
      );
      expect(
        errorLeaks({ ...seen, ...Object.fromEntries(Object.entries(models).map(([k, v]) => [`models ${k}`, v])) }),
      ).toEqual({});
    },
  );

  it.each(FAULT_NAMES)('every failure mode: %s (retries exhausted, base64 and URL answers)', async (fault) => {
    const headers = { 'x-sandbox-fault': fault, 'x-sandbox-delay-ms': '15000', 'x-sandbox-retry-after': '0' };
    const common = {
      apiKey: KEY,
      headers,
      maxRetries: 1,
      timeoutMs: 100,
      maxResponseBytes: 128 * 1024,
      download: { maxBytes: 64 * 1024 },
    };
    const together = await failures((onRetry) =>
      client({ ...common, provider: 'together', baseURL: open.urls.together, onRetry }).generate({
        prompt: 'x',
        width: 64,
        height: 64,
      }),
    );
    const openai = await failures((onRetry) =>
      client({ ...common, provider: 'openai', baseURL: open.urls.openai, onRetry }).generate({
        prompt: 'x',
        model: 'dall-e-2',
        size: '256x256',
        responseFormat: 'url',
      }),
    );
    expect(Object.keys(together).length + Object.keys(openai).length).toBeGreaterThan(0);
    for (const error of [together.thrown, openai.thrown].filter(Boolean))
      expect(PictorError.isInstance(error)).toBe(true);
    expect(
      errorLeaks({ ...together, ...Object.fromEntries(Object.entries(openai).map(([k, v]) => [`openai ${k}`, v])) }),
    ).toEqual({});
  });

  describe('a gateway that echoes the key back', () => {
    let gateway: EchoGateway;
    beforeAll(async () => {
      gateway = await startEchoGateway();
    });
    afterAll(() => gateway.close());

    // "/" in the key so PHP-style escaping changes how it is written.
    const KEY_WITH_SLASH = `sk-pictor/LEAKCHECK/${KEY_SECRET}`;
    it.each(Object.entries(ECHOES) as Array<[Echo, string]>)('%s: %s', async (echo) => {
      const key = echo === 'escaped' ? KEY_WITH_SLASH : KEY;
      for (const dialect of ['together', 'openai'] as const) {
        const seen = await failures((onRetry) =>
          client({
            provider: 'custom',
            dialect,
            baseURL: gateway.url(echo),
            apiKey: key,
            model: 'm',
            maxRetries: 2,
            onRetry,
          }).generate({ prompt: 'x' }),
        );
        expect(PictorError.isInstance(seen.thrown), String(seen.thrown)).toBe(true);
        expect(errorLeaks(seen, key)).toEqual({});
      }
    });
  });

  it('a key with characters no HTTP header may carry fails typed, before the network, without showing it', async () => {
    for (const key of [`${KEY}\nX-Injected: 1`, `${KEY}\u2026`, `${KEY}\u0000`]) {
      // Refused as the client is made (a ValidationError naming apiKey), so nothing is sent.
      const seen = await failures(async (onRetry) =>
        client({ provider: 'together', apiKey: key, baseURL: open.urls.together, maxRetries: 1, onRetry }).generate({
          prompt: 'x',
          width: 64,
          height: 64,
        }),
      );
      expect((seen.thrown as PictorError).name, String(seen.thrown)).toBe('ValidationError');
      expect(errorLeaks(seen)).toEqual({});
    }
  });

  it('bad client options name the field and never echo the key', () => {
    const attempts: Array<Record<string, unknown>> = [
      { provider: 'together', apiKey: KEY, timeoutMs: 'soon' },
      { provider: 'together', apiKey: KEY, baseURL: `ftp://${KEY}@example.com` },
      { provider: 'together', apiKey: KEY, headers: { authorization: 7 } },
      { provider: 'together', apiKey: KEY, nonsense: KEY },
      { provider: 'custom', apiKey: KEY, baseURL: KEY },
    ];
    const errors: Record<string, unknown> = {};
    attempts.forEach((options, i) => {
      try {
        createPictorClient(options as PictorClientOptions);
      } catch (error) {
        errors[`options ${i}`] = error;
      }
    });
    expect(Object.keys(errors)).toHaveLength(attempts.length);
    expect(errorLeaks(errors)).toEqual({});
  });

  it('the leak check itself finds a key (it can fail)', () => {
    expect(leaksIn(`Bearer ${KEY}`)).not.toEqual([]);
    expect(leaksIn(`...${KEY_SECRET.slice(5, 14)}...`)).not.toEqual([]);
    expect(errorLeaks({ e: new Error('x', { cause: new Error(`deep ${KEY}`) }) })).not.toEqual({});
    expect(leaksIn(`Incorrect API key provided: sk-********************${KEY.slice(-4)}`)).toEqual([]);
  });
});
