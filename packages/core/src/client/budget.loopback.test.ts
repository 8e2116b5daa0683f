import { afterEach, describe, expect, it } from 'vitest';
import { openAIBody, togetherBody } from '../__fixtures__/images-response.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { BudgetExceededError, ValidationError } from '../errors/index.js';
import { createBudget } from '../cost/budget.js';
import type { PictorClient } from './client.js';
import { createPictorClient } from './node-client.js';

// Budgets and cost over real loopback HTTP: what is refused is never sent, what was made is kept.

const open: Array<TestServer | PictorClient> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function together(delayMs = 30): Promise<TestServer> {
  const s = await startTestServer(async (req, res) => {
    const { n } = JSON.parse(req.body) as { n: number };
    // Every call is slow enough that all of them are in flight together.
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    sendJson(res, 200, togetherBody(n, 8, 8));
  });
  open.push(s);
  return s;
}

function client(url: string, options: Parameters<typeof createPictorClient>[0] = {}): PictorClient {
  const c = createPictorClient({
    provider: 'custom',
    dialect: 'together',
    baseURL: url,
    model: 'black-forest-labs/FLUX.2-pro',
    concurrency: 8,
    prices: [
      { providers: ['custom'], model: 'black-forest-labs/FLUX.2-pro', rule: { kind: 'per-image', usd: { '*': 0.25 } } },
    ],
    ...options,
  });
  open.push(c);
  return c;
}

describe('budgets', () => {
  it('stops a generation midway under concurrency: no call over budget is sent, the images made are kept', async () => {
    const s = await together();
    // 12 images at 4 a call: 3 calls of $1.00, all wanting to start at once; $2.10 allows two of them.
    const result = await client(s.url).generate({ prompt: 'p', n: 12 }, { maxCost: 2.1 });
    expect(s.requests).toHaveLength(2);
    expect(result.images).toHaveLength(8);
    expect(result.failures).toHaveLength(4);
    for (const failure of result.failures) expect(BudgetExceededError.isInstance(failure.error)).toBe(true);
    const error = result.failures[0]!.error as BudgetExceededError;
    expect([error.limitUsd, error.spentUsd, error.callUsd]).toEqual([2.1, 2, 1]);
    expect(result.cost).toEqual({ usd: 2, basis: 'estimate' });
    expect(result.calls.map((c) => c.cost.usd)).toEqual([1, 1, 0]);
    expect(result.images.every((image) => image.cost?.usd === 0.25)).toBe(true);
  });

  it("keeps a client's budget across calls, and rejects a call that cannot start with the typed error", async () => {
    const s = await together(0);
    const c = client(s.url, { maxCost: 1 });
    await c.generate({ prompt: 'p', n: 3 });
    expect(c.budget?.spentUsd).toBe(0.75);
    const error = await c.generate({ prompt: 'p', n: 2 }).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/about \$0\.50, with \$0\.75 of the \$1\.00 budget/);
    expect(s.requests).toHaveLength(1);
  });

  it('shares a budget made with createBudget between calls', async () => {
    const s = await together(0);
    const budget = createBudget(0.6);
    const c = client(s.url);
    await c.generate({ prompt: 'a', n: 2 }, { budget });
    await expect(c.generate({ prompt: 'b', n: 1 }, { budget })).rejects.toThrow(/Budget exceeded/);
    expect(budget.spentUsd).toBe(0.5);
    expect(s.requests).toHaveLength(1);
  });

  it('refuses a budget for a model with no price before anything is sent', async () => {
    const s = await together(0);
    const error = await client(s.url, { prices: [] })
      .generate({ prompt: 'p', model: 'acme/unpriced' }, { maxCost: 5 })
      .catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields).toEqual(['maxCost']);
    expect(s.requests).toHaveLength(0);
  });
});

describe('cost in results', () => {
  it('computes the cost from the usage an OpenAI-shaped answer reports, per call and per image', async () => {
    const s = await startTestServer((_req, res) => sendJson(res, 200, openAIBody(2)));
    open.push(s);
    const c = createPictorClient({ provider: 'custom', dialect: 'openai', baseURL: s.url, model: 'gpt-image-2' });
    open.push(c);
    const result = await c.generate({ prompt: 'p', n: 2 });
    // openAIBody reports 5 text tokens in and 10 out: 5 × $5/M + 10 × $30/M.
    const usd = (5 * 5 + 10 * 30) / 1e6;
    expect(result.cost.basis).toBe('usage');
    expect(result.cost.usd).toBeCloseTo(usd, 12);
    expect(result.calls[0]!.usage).toMatchObject({ input_tokens: 5, output_tokens: 10 });
    expect(result.images[0]!.cost?.usd).toBeCloseTo(usd / 2, 12);
    expect(result.images[0]!.usage).toMatchObject({ input_tokens: 2.5, output_tokens: 5 });
  });

  it('estimates a generation without sending anything', async () => {
    const s = await together(0);
    const estimate = client(s.url).estimateCost({ prompt: 'p', n: 9 });
    expect(estimate.calls.map((call) => call.n)).toEqual([4, 4, 1]);
    expect(estimate.cost).toEqual({ usd: 2.25, basis: 'estimate' });
    expect(s.requests).toHaveLength(0);
  });
});
