import { describe, expect, it } from 'vitest';
import { normalizeRequest, type ImageRequest } from '../request/image-request.js';
import { planGeneration } from '../request/plan-generation.js';
import { PROVIDERS, type ProviderName } from '../request/providers.js';
import { createBudget } from './budget.js';
import { DEFAULT_PRICES } from './default-prices.js';
import { callCost, estimateCallUsd, pricedCall, usageCallUsd } from './estimate-cost.js';
import { priceEntriesSchema, priceFor, type PriceEntry } from './price-table.js';

// Every pricing rule against figures worked out by hand from the providers' published prices.

function estimate(provider: ProviderName, input: ImageRequest, own: PriceEntry[] = []): number | undefined {
  const request = normalizeRequest(input);
  const plan = planGeneration(PROVIDERS[provider], request);
  const price = priceFor(provider, plan.model, own, DEFAULT_PRICES);
  if (!price) return undefined;
  let total = 0;
  for (const call of plan.calls) {
    const usd = estimateCallUsd(price.rule, pricedCall(request, call.n));
    if (usd === undefined) return undefined;
    total += usd;
  }
  return total;
}

describe('Together: per megapixel, steps above the default', () => {
  it('prices FLUX.2 [pro] by decimal megapixels: 2 × 1.048576 MP × $0.03', () => {
    expect(estimate('together', { model: 'black-forest-labs/FLUX.2-pro', prompt: 'p', n: 2 })).toBeCloseTo(
      0.06291456,
      10,
    );
  });

  it('charges more steps proportionally and fewer steps at the default rate (FLUX.1 [schnell], default 4)', () => {
    const base = ((1024 * 768) / 1_000_000) * 0.0027;
    const at = (steps: number) =>
      estimate('together', { model: 'black-forest-labs/FLUX.1-schnell', prompt: 'p', size: '1024x768', steps });
    expect(at(8)).toBeCloseTo(base * 2, 12);
    expect(at(2)).toBeCloseTo(base, 12);
    expect(at(4)).toBeCloseTo(base, 12);
  });

  it('does not scale pro models by steps, and prices the sandbox as Together', () => {
    const pro = (steps: number) =>
      estimate('sandbox', { model: 'black-forest-labs/FLUX.1-kontext-pro', prompt: 'p', steps });
    expect(pro(50)).toBeCloseTo(1.048576 * 0.04, 12);
    expect(pro(50)).toBe(pro(10));
  });

  it('prices Gemini 3 Pro per image by resolution tier: $0.134 up to 2K, $0.24 above', () => {
    expect(estimate('together', { model: 'google/gemini-3-pro-image', prompt: 'p', size: '2048x2048' })).toBe(0.134);
    expect(estimate('together', { model: 'google/gemini-3-pro-image', prompt: 'p', size: '4096x4096' })).toBe(0.24);
  });
});

describe('OpenAI: per token, estimated per image before the call', () => {
  const prompt = 'a lighthouse at dusk'; // 20 characters: 5 text tokens at $5/M
  const text = (5 * 5) / 1_000_000;

  it('estimates gpt-image-2 from the calculator formula: 7024 tokens at high 1024², 158 at low 1536×1024', () => {
    expect(estimate('openai', { model: 'gpt-image-2', prompt, size: '1024x1024', quality: 'high' })).toBeCloseTo(
      (7024 * 30) / 1e6 + text,
      12,
    );
    expect(estimate('openai', { model: 'gpt-image-2', prompt, size: '1536x1024', quality: 'low' })).toBeCloseTo(
      (158 * 30) / 1e6 + text,
      12,
    );
    // Any size: 3840×2160 at high is 13342 tokens, less than 2048×2048's 14272.
    expect(estimate('openai', { model: 'gpt-image-2', prompt, size: '3840x2160', quality: 'high' })).toBeCloseTo(
      (13342 * 30) / 1e6 + text,
      12,
    );
    expect(estimate('openai', { model: 'gpt-image-2', prompt, size: '2048x2048', quality: 'high' })).toBeCloseTo(
      (14272 * 30) / 1e6 + text,
      12,
    );
  });

  it('prices `auto` quality as high, and each streamed partial image at 100 output tokens', () => {
    const auto = estimate('openai', { model: 'gpt-image-2', prompt, size: '1024x1024' });
    expect(auto).toBeCloseTo((7024 * 30) / 1e6 + text, 12);
    const streamed = estimate('openai', { model: 'gpt-image-2', prompt, size: '1024x1024', partialImages: 2 });
    expect(streamed).toBeCloseTo((((7024 + 200) * 30) / 1e6) * 1 + text * 1, 12);
  });

  it("uses OpenAI's published per-image prices for gpt-image-1, per call and image", () => {
    // n=3 in one call: 3 × $0.063 (medium, 1536×1024), plus the prompt once.
    expect(
      estimate('openai', { model: 'gpt-image-1', prompt, size: '1536x1024', quality: 'medium', n: 3 }),
    ).toBeCloseTo(3 * 0.063 + (5 * 5) / 1e6, 12);
    expect(estimate('openai', { model: 'gpt-image-1-mini', prompt, size: '1024x1024', quality: 'low' })).toBeCloseTo(
      0.005 + (5 * 2) / 1e6,
      12,
    );
  });

  it('prices DALL·E per image by quality and size', () => {
    expect(estimate('openai', { model: 'dall-e-3', prompt, size: '1792x1024', quality: 'hd' })).toBe(0.12);
    expect(estimate('openai', { model: 'dall-e-3', prompt, size: '1024x1024', quality: 'standard' })).toBe(0.04);
    expect(estimate('openai', { model: 'dall-e-2', prompt, size: '512x512', n: 4 })).toBeCloseTo(4 * 0.018, 12);
  });

  it('computes the cost from reported usage: text and image input, image output', () => {
    const rule = priceFor('openai', 'gpt-image-2', [], DEFAULT_PRICES)!.rule;
    const usage = {
      input_tokens: 50,
      output_tokens: 7024,
      total_tokens: 7074,
      input_tokens_details: { text_tokens: 20, image_tokens: 30 },
    };
    expect(usageCallUsd(rule, usage)).toBeCloseTo((20 * 5 + 30 * 8 + 7024 * 30) / 1e6, 12);
    const split = { ...usage, output_tokens_details: { image_tokens: 7000, text_tokens: 24 } };
    expect(usageCallUsd(rule, split)).toBeCloseTo((20 * 5 + 30 * 8 + 7000 * 30 + 24 * 10) / 1e6, 12);
    const price = priceFor('openai', 'gpt-image-2', [], DEFAULT_PRICES);
    const call = pricedCall(normalizeRequest({ prompt: 'p' }), 1);
    expect(callCost(price, call, usage).basis).toBe('usage');
    expect(callCost(price, call, undefined).basis).toBe('estimate');
  });

  it("matches a gateway's vendor/model id, and the longest prefix (2.5 before 2)", () => {
    expect(priceFor('ai-stats', 'openai/gpt-image-2', [], DEFAULT_PRICES)?.model).toBe('gpt-image-2*');
    expect(priceFor('openai', 'gpt-image-2.5-flare-2026-09-08', [], DEFAULT_PRICES)?.model).toBe('gpt-image-2.5*');
    expect(priceFor('together', 'openai/gpt-image-2', [], DEFAULT_PRICES)?.model).toBe('openai/gpt-image-2');
  });
});

describe('unknown prices and your own', () => {
  it('says unknown for a model nobody priced, never 0', () => {
    expect(estimate('custom', { model: 'acme/painter-9', prompt: 'p' })).toBeUndefined();
    expect(callCost(undefined, pricedCall(normalizeRequest({ prompt: 'p' }), 1), undefined)).toEqual({
      usd: undefined,
      basis: 'unknown',
    });
  });

  it('lets your prices win over the built-in ones, checked by their schema', () => {
    const own = priceEntriesSchema.parse([
      { providers: ['*'], model: 'black-forest-labs/FLUX.2-pro', rule: { kind: 'per-megapixel', usdPerMegapixel: 1 } },
      { providers: ['custom'], model: 'acme/*', rule: { kind: 'per-image', usd: { '*': 0.5 } } },
    ]) as PriceEntry[];
    expect(estimate('together', { model: 'black-forest-labs/FLUX.2-pro', prompt: 'p' }, own)).toBeCloseTo(1.048576, 12);
    expect(estimate('custom', { model: 'acme/painter-9', prompt: 'p', n: 2 }, own)).toBe(1);
    expect(
      priceEntriesSchema.safeParse([{ providers: [], model: 'x', rule: { kind: 'per-image', usd: {} } }]).success,
    ).toBe(false);
  });
});

describe('budgets', () => {
  it('refuses a reservation that would pass the limit, naming the figures, and counts what was spent', () => {
    const budget = createBudget(0.1);
    budget.reserve(0.06);
    expect(() => budget.reserve(0.05)).toThrow(/would cost about \$0\.05, with \$0\.06 of the \$0\.10 budget/);
    budget.settle(0.06, 0.04);
    budget.reserve(0.05);
    budget.release(0.05);
    expect([budget.spentUsd, budget.reservedUsd]).toEqual([0.04, 0]);
    budget.reserve(0.06); // 0.04 + 0.06 is the whole budget, not a cent over
    expect(budget.reservedUsd).toBe(0.06);
  });
});
