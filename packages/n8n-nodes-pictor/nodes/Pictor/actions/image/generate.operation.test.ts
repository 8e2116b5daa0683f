import { describeImage } from '@pictor/core/kernel';
import type { Sandbox } from '@pictor/sandbox';
import { NodeApiError, NodeOperationError, type IBinaryData, type INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runNode } from '../../../../test/fake-execute-functions';
import { credentialsFor, startTestSandbox, TEST_KEY } from '../../../../test/sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.setFaults(undefined);
  sandbox.stats.reset();
});

const bytesOf = (binary: IBinaryData | undefined) => Buffer.from(binary?.data ?? '', 'base64');
const warningsOf = (item: INodeExecutionData | undefined) => item?.json.warnings as Array<Record<string, unknown>>;

async function failureOf(run: Promise<unknown>): Promise<NodeApiError | NodeOperationError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the node should have failed').toBeInstanceOf(Error);
  return error as NodeApiError | NodeOperationError;
}

describe('Image → Generate', () => {
  it('turns four images into four binary items with MIME type, file name, dimensions and sha256', async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      parameters: { prompt: 'A lighthouse at dusk', numberOfImages: 4, size: '16:9', seed: 7, outputFormat: 'png' },
    });

    expect(items).toHaveLength(4);
    for (const [index, item] of items.entries()) {
      const binary = item.binary?.data;
      const described = describeImage(bytesOf(binary));
      expect(binary).toMatchObject({
        mimeType: 'image/png',
        fileName: `a-lighthouse-at-dusk-7-${index}.png`,
        fileExtension: 'png',
      });
      expect(described).toMatchObject({ mediaType: 'image/png', width: 1344, height: 768 });
      expect(item.json).toMatchObject({
        provider: 'together',
        model: 'black-forest-labs/FLUX.1-schnell',
        prompt: 'A lighthouse at dusk',
        index,
        seed: 7,
        width: 1344,
        height: 768,
        mimeType: 'image/png',
        sha256: described.sha256,
        revisedPrompt: null,
        warnings: [],
      });
      expect(item.pairedItem).toEqual({ item: 0 });
    }
    expect(new Set(items.map((item) => item.json.sha256)).size).toBe(4);
    expect(sandbox.stats.generations.together).toBe(1);
    expect(JSON.stringify(items.map((item) => item.json))).not.toContain(TEST_KEY);
  });

  it('makes several calls above the per-call maximum, with every image indexed and named apart', async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      parameters: { prompt: 'tide pools', numberOfImages: 6, size: 'custom', width: 256, height: 256, seed: 100 },
    });

    expect(sandbox.stats.generations.together).toBe(2);
    expect(items.map((item) => item.json.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(items.map((item) => item.binary?.data?.fileName)).size).toBe(6);
    expect(items.every((item) => item.json.width === 256 && item.json.height === 256)).toBe(true);
  });

  it('puts all images on one item, under the chosen binary field name with _0, _1 …', async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      parameters: {
        prompt: 'two moons',
        numberOfImages: 2,
        size: 'custom',
        width: 320,
        height: 192,
        outputFormat: 'jpeg',
        options: { outputMode: 'allOnOne', binaryPropertyName: 'picture' },
      },
    });

    expect(items).toHaveLength(1);
    const [item] = items;
    expect(Object.keys(item?.binary ?? {})).toEqual(['picture_0', 'picture_1']);
    expect(item?.binary?.picture_1).toMatchObject({
      mimeType: 'image/jpeg',
      fileExtension: 'jpg',
      fileName: 'two-moons-random-1.jpg',
    });
    expect(describeImage(bytesOf(item?.binary?.picture_1))).toMatchObject({ width: 320, height: 192 });
    expect(item?.json.images).toMatchObject([
      { binaryProperty: 'picture_0', index: 0, mimeType: 'image/jpeg', seed: null },
      { binaryProperty: 'picture_1', index: 1, mimeType: 'image/jpeg', seed: null },
    ]);
    expect(item?.pairedItem).toEqual({ item: 0 });
  });

  it('reports settings the model does not take as warnings, and returns the revised prompt (OpenAI, DALL-E 3)', async () => {
    const [item] = await runNode({
      credentials: credentialsFor(sandbox, 'openai'),
      parameters: {
        model: { mode: 'id', value: 'dall-e-3' },
        prompt: 'a red bicycle',
        seed: 42,
        steps: 20,
        outputFormat: 'default',
        options: { style: 'natural', quality: 'hd' },
      },
    });

    expect(item?.json).toMatchObject({ provider: 'openai', model: 'dall-e-3', seed: null, width: 1024, height: 1024 });
    expect(typeof item?.json.revisedPrompt).toBe('string');
    expect(
      warningsOf(item)
        .map((w) => w.setting)
        .sort(),
    ).toEqual(['seed', 'steps']);
    expect(warningsOf(item).every((w) => w.type === 'unsupported-setting')).toBe(true);
  });

  it('works with custom Together- and OpenAI-compatible gateways', async () => {
    const [together] = await runNode({
      credentials: credentialsFor(sandbox, 'custom-together'),
      parameters: {
        model: { mode: 'id', value: 'black-forest-labs/FLUX.1-dev' },
        prompt: 'a fox',
        size: '1:1',
        steps: 4,
      },
    });
    const [openai] = await runNode({
      credentials: credentialsFor(sandbox, 'custom-openai'),
      parameters: { model: { mode: 'list', value: 'gpt-image-1' }, prompt: 'a fox', outputFormat: 'webp' },
    });

    expect(together?.json).toMatchObject({ provider: 'custom', model: 'black-forest-labs/FLUX.1-dev', width: 1024 });
    expect(openai?.json).toMatchObject({ provider: 'custom', model: 'gpt-image-1', mimeType: 'image/webp' });
    expect(sandbox.stats.generations).toMatchObject({ together: 1, openai: 1 });
  });

  it('keeps the images of a batch whose other call failed, and warns about the missing ones', async () => {
    sandbox.setFaults([{ fault: 'server-error', times: 1 }]);
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      parameters: {
        prompt: 'half a batch',
        numberOfImages: 8,
        size: 'custom',
        width: 128,
        height: 128,
        options: { maxRetries: 0 },
      },
    });

    expect(items).toHaveLength(4);
    const warnings = warningsOf(items[0]);
    expect(warnings).toHaveLength(4);
    expect(
      warnings.every((w) => w.type === 'other' && /^Image \d was not generated: 500/.test(String(w.message))),
    ).toBe(true);
    const missing = warnings.map((w) => Number(/Image (\d)/.exec(String(w.message))?.[1]));
    expect([...missing, ...items.map((item) => item.json.index as number)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('retries a 429 that carries Retry-After and still returns the images', async () => {
    sandbox.setFaults([{ fault: 'rate-limit', times: 1, retryAfter: 0 }]);
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      parameters: { prompt: 'patience', numberOfImages: 2, size: 'custom', width: 128, height: 128 },
    });

    expect(items).toHaveLength(2);
    expect(sandbox.stats.faults['rate-limit']).toBe(1);
    expect(sandbox.stats.generations.together).toBe(2);
  });

  it('with Max Retries 0, fails on a 429 with a NodeApiError carrying the status and the provider message', async () => {
    sandbox.setFaults([{ fault: 'rate-limit', times: 1, retryAfter: 0 }]);
    const error = await failureOf(
      runNode({
        credentials: credentialsFor(sandbox),
        parameters: { prompt: 'impatient', options: { maxRetries: 0 } },
      }),
    );

    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('429');
    expect(error.message).toMatch(/^429 Too Many Requests: .+/);
    expect(error.context.itemIndex).toBe(0);
  });

  it('gives up on a provider slower than the Timeout option', async () => {
    sandbox.setFaults([{ fault: 'slow-headers', times: 1, delayMs: 15_000 }]);
    const error = await failureOf(
      runNode({
        credentials: credentialsFor(sandbox),
        parameters: { prompt: 'slow', options: { timeout: 1_000, maxRetries: 0 } },
      }),
    );

    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.message).toMatch(/^No response headers from .+ within 1000 ms$/);
  });

  it('stops when the execution is cancelled', async () => {
    const error = await failureOf(
      runNode({
        credentials: credentialsFor(sandbox),
        parameters: { prompt: 'never mind' },
        signal: AbortSignal.abort(),
      }),
    );

    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/abort/i);
  });

  it('refuses invalid fields before any call, naming them', async () => {
    const error = await failureOf(
      runNode({
        credentials: credentialsFor(sandbox),
        parameters: { prompt: 'x', steps: 60, options: { imageUrl: 'not a url' } },
      }),
    );

    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.description).toMatch(/steps/);
    expect(error.description).toMatch(/imageUrl/);
    expect(sandbox.stats.generations.together).toBe(0);
  });
});
