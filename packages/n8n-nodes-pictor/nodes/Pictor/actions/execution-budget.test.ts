import { renderImage, type Sandbox } from '@pictor/sandbox';
import { NodeOperationError } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runNode } from '../../../test/fake-execute-functions';
import { credentialsFor, startTestSandbox, TEST_KEY } from '../../../test/sandbox';

// The sandbox is priced as Together: one 1024×1024 FLUX.1 [schnell] image is about $0.00283, so a $0.006
// budget holds two items of one image and refuses the third before it is sent.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.stats.reset());

const PER_IMAGE = 1.048576 * 0.0027;
const item = (prompt: string, maxCost = 0.006) => ({
  prompt,
  size: 'custom',
  width: 1024,
  height: 1024,
  options: { maxCost },
});

async function failureOf(run: Promise<unknown>): Promise<NodeOperationError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the node should have failed').toBeInstanceOf(NodeOperationError);
  return error as NodeOperationError;
}

describe('Max Cost (USD): one budget per execution', () => {
  it('with Continue On Fail, refuses the 3rd of 3 items as an error item naming the figures, keeping the first two', async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      continueOnFail: true,
      parameters: [item('first'), item('second'), item('third')],
    });

    expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(items.slice(0, 2).map((i) => [i.json.prompt, Boolean(i.binary?.data)])).toEqual([
      ['first', true],
      ['second', true],
    ]);
    expect(items[2]?.binary).toBeUndefined();
    expect(items[2]?.json).toMatchObject({
      name: 'BudgetExceededError',
      limitUsd: 0.006,
      spentUsd: expect.closeTo(2 * PER_IMAGE, 9),
      callUsd: expect.closeTo(PER_IMAGE, 9),
      error: expect.stringMatching(
        /^Budget exceeded: this call would cost about \$0\.0028, with \$0\.0057 of the \$0\.0060 budget/,
      ),
      description: expect.stringContaining('Max Cost (USD)'),
    });
    // The refused item never reached the provider.
    expect(sandbox.stats.generations.together).toBe(2);
    expect(JSON.stringify(items)).not.toContain(TEST_KEY);
  });

  it("without Continue On Fail, fails the node on the 3rd item with core's message", async () => {
    const error = await failureOf(
      runNode({ credentials: credentialsFor(sandbox), parameters: [item('a'), item('b'), item('c')] }),
    );

    expect(error.message).toMatch(/^Budget exceeded: .+ it was not sent$/);
    expect(error.context.itemIndex).toBe(2);
    expect(sandbox.stats.generations.together).toBe(2);
  });

  it('shares the budget between items, not per item: each alone would fit', async () => {
    // Three items of one image under $0.003 each would all pass a per-item limit; the execution's stops the 2nd.
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      continueOnFail: true,
      parameters: [item('a', 0.003), item('b', 0.003), item('c', 0.003)],
    });

    expect(items.map((i) => (i.binary?.data ? 'image' : i.json.name))).toEqual([
      'image',
      'BudgetExceededError',
      'BudgetExceededError',
    ]);
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it('keeps the images of an item whose later call the budget refused, and warns about the others', async () => {
    // 6 images of 256×256 are two calls of 4 and 2 (the sandbox's per-call maximum is 4): the budget holds the first.
    const call = ((256 * 256) / 1_000_000) * 0.0027 * 4;
    const items = await runNode({
      credentials: credentialsFor(sandbox),
      parameters: {
        prompt: 'tide pools',
        numberOfImages: 6,
        size: 'custom',
        width: 256,
        height: 256,
        options: { maxCost: call * 1.2 },
      },
    });

    expect(items).toHaveLength(4);
    const warnings = items[0]?.json.warnings as Array<{ message: string }>;
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Image 4 was not generated: Budget exceeded/),
      expect.stringMatching(/^Image 5 was not generated: Budget exceeded/),
    ]);
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it('applies to Edit as well', async () => {
    const photo = await renderImage({ seed: 1, index: 0, width: 256, height: 256, format: 'png', prompt: 'a barn' });
    const edit = { operation: 'edit', ...item('stormy', 0.04) };
    // FLUX.1 Kontext [pro] on the sandbox: $0.04 per megapixel, $0.0419 for one 1024×1024 edit: over $0.04.
    const error = await failureOf(
      runNode({
        credentials: credentialsFor(sandbox),
        parameters: { ...edit, model: { mode: 'id', value: 'black-forest-labs/FLUX.1-kontext-pro' } },
        binaries: [{ data: { bytes: photo, fileName: 'barn.png' } }],
      }),
    );

    expect(error.message).toMatch(
      /^Budget exceeded: this call would cost about \$0\.0419, with \$0\.00 of the \$0\.04/,
    );
    expect(sandbox.stats.requests).toBe(0);
  });

  it('refuses a budget for a model with no known price, naming the field, before any call', async () => {
    const error = await failureOf(
      runNode({
        credentials: credentialsFor(sandbox, 'custom-together'),
        parameters: { ...item('x'), model: { mode: 'id', value: 'black-forest-labs/FLUX.1-schnell' } },
      }),
    );

    expect(error.description).toMatch(/^maxCost: no price is known for black-forest-labs\/FLUX\.1-schnell/);
    expect(sandbox.stats.generations.together).toBe(0);
  });

  it('refuses a negative Max Cost, naming the option', async () => {
    const error = await failureOf(runNode({ credentials: credentialsFor(sandbox), parameters: item('x', -1) }));

    expect(error.message).toBe('Max Cost (USD) must be a number of US dollars, 0 or more');
    expect(sandbox.stats.generations.together).toBe(0);
  });
});
