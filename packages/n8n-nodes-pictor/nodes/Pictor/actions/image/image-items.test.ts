import type { Sandbox } from '@pictor/sandbox';
import type { INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runNode } from '../../../../test/fake-execute-functions';
import { credentialsFor, startTestSandbox, TEST_KEY } from '../../../../test/sandbox';

// Usage and cost on the output items, against the sandbox over loopback: it is priced as Together (FLUX.1
// [schnell] at $0.0027 per megapixel) and its OpenAI stand-in reports token usage priced at OpenAI's rates.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.stats.reset());

type Usage = { input_tokens_details: { text_tokens: number; image_tokens: number }; output_tokens: number };
const json = (item: INodeExecutionData | undefined) => item?.json as Record<string, unknown>;

describe('usage and cost on the output items', () => {
  it('gives each image its share of an estimated per-megapixel cost, and the total beside it (Together)', async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      parameters: { prompt: 'a lighthouse', numberOfImages: 2, size: 'custom', width: 1024, height: 1024 },
    });

    const perImage = 1.048576 * 0.0027; // 1024×1024 is 1.048576 MP, at the default 4 steps
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(json(item).cost).toEqual({ usd: expect.closeTo(perImage, 9), basis: 'estimate' });
      expect(json(item).totalCost).toEqual({ usd: expect.closeTo(2 * perImage, 9), basis: 'estimate' });
      // Together reports no usage: null, not an empty object.
      expect(json(item).usage).toBeNull();
      expect(json(item).totalUsage).toBeNull();
    }
  });

  it("computes the cost from the provider's reported tokens and splits usage evenly (OpenAI gpt-image-1.5)", async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox, 'openai'),
      parameters: {
        model: { mode: 'id', value: 'gpt-image-1.5' },
        prompt: 'a red bicycle on a quay',
        numberOfImages: 2,
        size: 'custom',
        width: 1024,
        height: 1024,
        options: { quality: 'low' },
      },
    });

    expect(items).toHaveLength(2);
    const total = json(items[0]).totalUsage as Usage;
    expect(total.output_tokens).toBeGreaterThan(0);
    // gpt-image-1.5: text in $5, image out $32 per million tokens.
    const usd = (total.input_tokens_details.text_tokens * 5 + total.output_tokens * 32) / 1_000_000;
    expect(json(items[0]).totalCost).toEqual({ usd: expect.closeTo(usd, 9), basis: 'usage' });
    for (const item of items) {
      expect(json(item).cost).toEqual({ usd: expect.closeTo(usd / 2, 9), basis: 'usage' });
      expect((json(item).usage as Usage).output_tokens).toBe(total.output_tokens / 2);
    }
    expect(JSON.stringify(items.map((item) => item.json))).not.toContain(TEST_KEY);
  });

  it('says null, never 0, for a model with no known price (FLUX on a custom gateway)', async () => {
    const [item] = await runNode({
      credentials: credentialsFor(sandbox, 'custom-together'),
      parameters: { model: { mode: 'id', value: 'black-forest-labs/FLUX.1-schnell' }, prompt: 'a fox' },
    });

    expect(json(item).cost).toEqual({ usd: null, basis: 'unknown' });
    expect(json(item).totalCost).toEqual({ usd: null, basis: 'unknown' });
  });

  it('puts each image its cost and the totals on the one item of "All Images on One Item"', async () => {
    const [item] = await runNode({
      credentials: credentialsFor(sandbox),
      parameters: {
        prompt: 'two moons',
        numberOfImages: 2,
        size: 'custom',
        width: 512,
        height: 512,
        options: { outputMode: 'allOnOne' },
      },
    });

    const perImage = ((512 * 512) / 1_000_000) * 0.0027;
    expect(json(item).totalCost).toEqual({ usd: expect.closeTo(2 * perImage, 9), basis: 'estimate' });
    expect(json(item).images).toMatchObject([
      { index: 0, cost: { usd: expect.closeTo(perImage, 9), basis: 'estimate' }, usage: null },
      { index: 1, cost: { usd: expect.closeTo(perImage, 9), basis: 'estimate' }, usage: null },
    ]);
  });
});
