import type { Sandbox } from '@pictor/sandbox';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../../../test/fake-execute-functions';
import { credentialsFor, startTestSandbox, TEST_KEY, WRONG_KEY } from '../../../test/sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('router', () => {
  it('fails a wrong key with a NodeApiError: status 401, the provider message, the item, and no key', async () => {
    const error = await runNode({
      credentials: credentialsFor(sandbox, 'together', WRONG_KEY),
      parameters: { prompt: 'a locked door' },
    }).then(
      () => undefined,
      (e: unknown) => e as NodeApiError,
    );

    expect(error).toBeInstanceOf(NodeApiError);
    expect(error?.httpCode).toBe('401');
    expect(error?.message).toMatch(/^401 Unauthorized: Incorrect API key provided/);
    expect(error?.description).toMatch(/Check the API key/);
    expect(error?.context.itemIndex).toBe(0);
    const shown = JSON.stringify({
      message: error?.message,
      description: error?.description,
      error,
      messages: error?.messages,
    });
    expect(shown).not.toContain(WRONG_KEY);
  });

  it('with Continue On Fail, turns each failing item into an error item paired with it, and goes on', async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      continueOnFail: true,
      parameters: [
        { prompt: 'first', size: 'custom', width: 128, height: 128 },
        { prompt: '   ' },
        { prompt: 'third', size: 'custom', width: 128, height: 128, numberOfImages: 2 },
      ],
    });

    expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 2 }]);
    expect(items[1]?.json).toMatchObject({
      error: 'Invalid request: prompt: must not be empty',
      name: 'ValidationError',
    });
    expect(items[1]?.binary).toBeUndefined();
    expect(items.filter((item) => item.binary?.data).map((item) => item.json.prompt)).toEqual([
      'first',
      'third',
      'third',
    ]);
  });

  it("with Continue On Fail, a wrong key gives an error item with the provider's message and no key", async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox, 'openai', WRONG_KEY),
      continueOnFail: true,
      parameters: { prompt: 'a locked door' },
    });

    expect(items).toHaveLength(1);
    expect(items[0]?.json).toMatchObject({
      name: 'AuthenticationError',
      status: 401,
      code: 'invalid_api_key',
      providerMessage: expect.stringMatching(/^Incorrect API key provided/),
    });
    expect(items[0]?.json.error).toMatch(/^401 Unauthorized: Incorrect API key provided/);
    expect(JSON.stringify(items)).not.toContain(WRONG_KEY);
  });

  it('with Continue On Fail, an unreachable provider gives an error item saying so', async () => {
    const items = await runNode({
      credentials: { provider: 'custom-openai', apiKey: TEST_KEY, baseUrl: 'http://127.0.0.1:9/v1' },
      continueOnFail: true,
      parameters: { model: { mode: 'id', value: 'gpt-image-1' }, prompt: 'hello?', options: { maxRetries: 0 } },
    });

    expect(items[0]?.json).toMatchObject({
      error: 'The service refused the connection - perhaps it is offline',
      name: 'ConnectionError',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    expect(items[0]?.pairedItem).toEqual({ item: 0 });
  });

  it('lists the provider image models, one item per model, paired with the input item', async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox, 'openai'),
      parameters: { operation: 'listModels' },
    });

    expect(items.map((item) => item.json.id)).toEqual(expect.arrayContaining(['dall-e-3', 'gpt-image-1']));
    expect(items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
    expect(items[0]?.json).toEqual({ id: expect.any(String), name: expect.any(String), type: null, ownedBy: 'system' });
    expect(JSON.stringify(items)).not.toContain(TEST_KEY);
  });

  it('refuses an operation the node does not have', async () => {
    const run = runNode({ credentials: credentialsFor(sandbox), parameters: { operation: 'upscale' } });

    await expect(run).rejects.toThrow(NodeOperationError);
    await expect(run).rejects.toThrow('The operation "upscale" of "image" is not supported');
  });
});
