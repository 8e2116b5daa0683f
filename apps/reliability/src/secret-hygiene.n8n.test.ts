import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { startSandbox, type FaultName, type Sandbox } from '@pictor/sandbox';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeHttpHelpers } from 'n8n-nodes-pictor/test/fake-http-helpers.mts';
import { N8N_NODE, requireBuilt } from './__fixtures__/front-doors.ts';
import { ECHOES, startEchoGateway, type Echo, type EchoGateway } from './__fixtures__/echo-gateway.ts';
import { errorLeaks, KEY, leaksIn, SANDBOX_KEY } from './__fixtures__/leak-check.ts';

// The n8n node as n8n loads it (the bundled CommonJS file in dist), run through a hand-made execute context the
// way packages/n8n-nodes-pictor's own tests do: its error items (Continue On Fail) and the NodeApiError /
// NodeOperationError it throws must not carry the credential's key. (A real n8n run is apps/n8n-e2e's.)

type Parameters = Record<string, unknown>;
let Pictor: new () => INodeType;
let guarded: Sandbox;
let faulty: Sandbox;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  Pictor = (require(requireBuilt(N8N_NODE)) as { Pictor: new () => INodeType }).Pictor;
  guarded = await startSandbox({ apiKey: SANDBOX_KEY });
  faulty = await startSandbox({ oversizedBytes: 256 * 1024 });
});
afterAll(async () => {
  await guarded.close();
  await faulty.close();
});

function isShown(property: INodeProperties, values: Parameters): boolean {
  const show = property.displayOptions?.show ?? {};
  return Object.entries(show).every(([name, allowed]) => (allowed as unknown[]).includes(values[name]));
}

/** A minimal IExecuteFunctions: one item, the parameters (defaults from the node's description), the credential. */
function context(credentials: Parameters, parameters: Parameters, continueOnFail: boolean): IExecuteFunctions {
  const values: Parameters = { resource: 'image', operation: 'generate', ...parameters };
  for (const property of new Pictor().description.properties) {
    if (!(property.name in values) && isShown(property, values)) values[property.name] = property.default;
  }
  return {
    getInputData: () => [{ json: {} }],
    getNode: () => ({
      id: 'n1',
      name: 'Pictor',
      type: 'n8n-nodes-pictor.pictor',
      typeVersion: 1,
      position: [0, 0],
      parameters: {},
    }),
    getCredentials: async () => ({ ...credentials }),
    continueOnFail: () => continueOnFail,
    getExecutionCancelSignal: () => undefined,
    getNodeParameter(name: string, _item: number, fallback?: unknown, extra?: { extractValue?: boolean }) {
      if (!(name in values)) {
        if (fallback === undefined) throw new Error(`Could not get parameter "${name}"`);
        return fallback;
      }
      const value = values[name];
      const locator = typeof value === 'object' && value !== null && 'mode' in value && 'value' in value;
      return extra?.extractValue && locator ? (value as { value: unknown }).value : value;
    },
    helpers: {
      // n8n's HTTP helpers, as the node's own tests fake them (the real ones run in apps/n8n-e2e).
      ...fakeHttpHelpers(String(credentials.apiKey), undefined),
      prepareBinaryData: async (bytes: Buffer, fileName?: string, mimeType?: string) => ({
        data: bytes.toString('base64'),
        mimeType: mimeType ?? 'application/octet-stream',
        fileName,
      }),
    },
  } as unknown as IExecuteFunctions;
}

/** Runs the node with and without Continue On Fail; returns the error items and the thrown error. */
async function run(
  credentials: Parameters,
  parameters: Parameters,
): Promise<{ items: INodeExecutionData[]; thrown: unknown }> {
  const node = new Pictor();
  const [items = []] = (await node.execute!.call(context(credentials, parameters, true))) as INodeExecutionData[][];
  const thrown = await Promise.resolve(node.execute!.call(context(credentials, parameters, false))).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { items, thrown };
}

const STAND_INS = [
  { provider: 'together', model: 'black-forest-labs/FLUX.1-schnell', size: { size: 'custom', width: 64, height: 64 } },
  { provider: 'openai', model: 'dall-e-2', size: { size: 'default' } },
  { provider: 'r9s', model: 'dall-e-2', size: { size: 'default' } },
  { provider: 'ai-stats', model: 'openai/dall-e-2', size: { size: 'default' } },
  {
    provider: 'custom-together',
    model: 'black-forest-labs/FLUX.1-schnell',
    size: { size: 'custom', width: 64, height: 64 },
    standIn: 'together',
  },
  { provider: 'custom-openai', model: 'dall-e-2', size: { size: 'default' }, standIn: 'openai' },
] as const;

describe('the n8n node never gives the key away', () => {
  it.each(STAND_INS)(
    'a refused key with the $provider credential: error items and thrown errors (generate, listModels)',
    async (target) => {
      const baseUrl = guarded.urls['standIn' in target ? target.standIn : target.provider];
      const credentials = { provider: target.provider, apiKey: KEY, baseUrl };
      const model = { __rl: true, mode: 'id', value: target.model };
      const generate = await run(credentials, { prompt: 'a locked door', model, ...target.size });
      const list = await run(credentials, { operation: 'listModels' });
      for (const { items, thrown } of [generate, list]) {
        expect(items).toHaveLength(1);
        expect(items[0]!.json).toMatchObject({ name: 'AuthenticationError', status: 401 });
        expect(leaksIn(JSON.stringify(items)), JSON.stringify(items)).toEqual([]);
        expect(leaksIn(inspect(items, { depth: 10 }))).toEqual([]);
        expect((thrown as Error).constructor.name).toBe('NodeApiError');
        expect(errorLeaks({ thrown })).toEqual({});
      }
    },
  );

  const FAULTS: FaultName[] = [
    'rate-limit',
    'quota',
    'server-error',
    'unavailable',
    'reset',
    'slow-headers',
    'truncated-json',
    'malformed-json',
    'invalid-base64',
    'expired-url',
  ];
  it.each(FAULTS)('every failure mode with a key the provider accepts: %s', async (fault) => {
    faulty.setFaults([{ fault, times: 20, retryAfter: 0, delayMs: 15_000 }]);
    const credentials = { provider: 'custom-together', apiKey: KEY, baseUrl: faulty.urls.together };
    const result = await run(credentials, {
      prompt: 'x',
      model: { __rl: true, mode: 'id', value: 'black-forest-labs/FLUX.1-schnell' },
      size: 'custom',
      width: 64,
      height: 64,
      options: { maxRetries: 1, timeout: 1000 },
    });
    faulty.setFaults(undefined);
    expect(result.items[0]?.json.error, JSON.stringify(result.items)).toBeDefined();
    expect(result.thrown).toBeInstanceOf(Error);
    expect(leaksIn(JSON.stringify(result.items))).toEqual([]);
    expect(leaksIn(inspect(result.items, { depth: 10 }))).toEqual([]);
    expect(errorLeaks({ thrown: result.thrown })).toEqual({});
  });

  describe('a gateway that echoes the key', () => {
    let gateway: EchoGateway;
    beforeAll(async () => {
      gateway = await startEchoGateway();
    });
    afterAll(() => gateway.close());

    it.each(Object.entries(ECHOES) as Array<[Echo, string]>)('%s: %s', async (echo) => {
      const key = echo === 'escaped' ? KEY.replace(/-/g, '/') : KEY;
      for (const provider of ['custom-openai', 'custom-together']) {
        const result = await run(
          { provider, apiKey: key, baseUrl: gateway.url(echo) },
          { prompt: 'x', model: { __rl: true, mode: 'id', value: 'm' }, size: 'default', options: { maxRetries: 1 } },
        );
        expect(result.items[0]?.json.error, JSON.stringify(result.items)).toBeDefined();
        expect(leaksIn(JSON.stringify(result.items), key)).toEqual([]);
        expect(leaksIn(inspect(result.items, { depth: 10 }), key)).toEqual([]);
        expect(errorLeaks({ thrown: result.thrown }, key)).toEqual({});
      }
    });
  });
});
