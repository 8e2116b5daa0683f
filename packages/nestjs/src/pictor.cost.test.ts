import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BudgetExceededError, ValidationError, type PriceEntry } from '@pictor/core';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PictorModule, PictorService, type PictorModuleOptions } from './index.js';

// Costs and budgets through a real Nest application context: the module's options reach core's client. The
// sandbox is priced as Together: one 1024×1024 FLUX.1 [schnell] image is 1.048576 MP × $0.0027.

const API_KEY = 'nest-cost-test-key-8e2d';
const PER_IMAGE = 1.048576 * 0.0027;
const REQUEST = { prompt: 'a lighthouse at dusk', width: 1024, height: 1024 };
let sandbox: Sandbox;
let app: INestApplicationContext | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.stats.reset());
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function together(extra: Partial<PictorModuleOptions> = {}): PictorModuleOptions {
  return { provider: 'together', apiKey: API_KEY, baseURL: sandbox.urls.together, maxRetries: 0, ...extra };
}

/** A real app context around one Pictor module, as an app's root module would import it. */
async function boot(pictor: ReturnType<typeof PictorModule.forRoot>): Promise<PictorService> {
  @Module({ imports: [pictor] })
  class AppModule {}
  app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  return app.get(PictorService);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('the call resolved'),
    (error: unknown) => error,
  );
}

describe('cost and budgets through PictorModule', () => {
  it('results carry cost, and each image its share', async () => {
    const pictor = await boot(PictorModule.forRoot(together()));

    const result = await pictor.generate({ ...REQUEST, n: 2 });

    expect(result.cost).toMatchObject({ usd: expect.closeTo(2 * PER_IMAGE, 9), basis: 'estimate' });
    expect(result.images.map((image) => image.cost)).toEqual([
      expect.objectContaining({ usd: expect.closeTo(PER_IMAGE, 9), basis: 'estimate' }),
      expect.objectContaining({ usd: expect.closeTo(PER_IMAGE, 9), basis: 'estimate' }),
    ]);
    expect(pictor.budget).toBeUndefined();
  });

  it("forRoot's maxCost is the client's budget over all calls: the 3rd is refused with BudgetExceededError, unsent", async () => {
    const pictor = await boot(PictorModule.forRoot(together({ maxCost: 0.006 })));

    await pictor.generate(REQUEST);
    await pictor.generate(REQUEST);
    const error = await rejection(pictor.generate(REQUEST));

    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      limitUsd: 0.006,
      spentUsd: expect.closeTo(2 * PER_IMAGE, 9),
      callUsd: expect.closeTo(PER_IMAGE, 9),
    });
    expect((error as Error).message).toMatch(/^Budget exceeded: .*\$0\.0060 budget/);
    expect(sandbox.stats.generations.together).toBe(2);
    expect(pictor.budget).toMatchObject({ limitUsd: 0.006, spentUsd: expect.closeTo(2 * PER_IMAGE, 9) });
  });

  it("forRootAsync passes maxCost and the user's prices: an image priced at $0.50 by prices fits $0.75 once", async () => {
    const prices: PriceEntry[] = [
      {
        providers: ['together'],
        model: 'black-forest-labs/FLUX.1-schnell',
        rule: { kind: 'per-image', usd: { '*': 0.5 } },
        source: 'our contract',
      },
    ];
    @Injectable()
    class Config {
      createPictorOptions(): PictorModuleOptions {
        return together({ maxCost: 0.75, prices });
      }
    }
    const pictor = await boot(PictorModule.forRootAsync({ useClass: Config }));

    const first = await pictor.generate(REQUEST);
    const error = await rejection(pictor.generate(REQUEST));

    expect(first.cost).toEqual({ usd: 0.5, basis: 'estimate' });
    expect(pictor.estimateCost(REQUEST)).toMatchObject({ cost: { usd: 0.5 }, source: 'our contract' });
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ limitUsd: 0.75, spentUsd: 0.5, callUsd: 0.5 });
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it('estimateCost answers a dry run with no call to the provider', async () => {
    const pictor = await boot(PictorModule.forRoot(together()));

    const estimate = pictor.estimateCost({ prompt: 'tide pools', n: 6, width: 512, height: 512 });

    // Six images are two calls on Together (four at most per call).
    expect(estimate).toMatchObject({ model: 'black-forest-labs/FLUX.1-schnell', images: 6 });
    expect(estimate.calls.map((call) => call.n)).toEqual([4, 2]);
    expect(estimate.cost).toEqual({ usd: expect.closeTo(6 * 0.262144 * 0.0027, 9), basis: 'estimate' });
    expect(sandbox.stats.requests).toBe(0);
    expect(() => pictor.estimateCost({ prompt: '' })).toThrow(ValidationError);
  });

  it('stops the boot on invalid prices, naming the field', async () => {
    const bad = together({ prices: [{ providers: ['together'], model: 'x', rule: { kind: 'per-dream' } }] as never });
    const error = await rejection(boot(PictorModule.forRoot(bad)));

    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields.some((field) => field.startsWith('prices'))).toBe(true);
  });
});
