import type { Sandbox } from '@pictor/sandbox';
import { NodeApiError } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLoadOptionsFunctions } from '../../../test/fake-execute-functions';
import { credentialsFor, startTestSandbox, WRONG_KEY } from '../../../test/sandbox';
import { searchModels } from './list-search';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('searchModels (the model picker)', () => {
  it("lists the provider's image models by name and id, sorted", async () => {
    const { results } = await searchModels.call(fakeLoadOptionsFunctions(credentialsFor(sandbox)));

    expect(results).toContainEqual({
      name: 'FLUX.1 [schnell] (black-forest-labs/FLUX.1-schnell)',
      value: 'black-forest-labs/FLUX.1-schnell',
    });
    expect(results.map((r) => r.name)).toEqual(results.map((r) => r.name).sort((a, b) => a.localeCompare(b)));
  });

  it('keeps the models whose id or name contains what the user types, in any case', async () => {
    const { results } = await searchModels.call(fakeLoadOptionsFunctions(credentialsFor(sandbox)), 'KONTEXT');

    expect(results.map((r) => r.value).sort()).toEqual([
      'black-forest-labs/FLUX.1-kontext-max',
      'black-forest-labs/FLUX.1-kontext-pro',
    ]);
  });

  it('fails with a NodeApiError when the key is wrong', async () => {
    const search = searchModels.call(fakeLoadOptionsFunctions(credentialsFor(sandbox, 'openai', WRONG_KEY)));

    await expect(search).rejects.toBeInstanceOf(NodeApiError);
    await expect(search).rejects.toMatchObject({ httpCode: '401' });
  });
});
