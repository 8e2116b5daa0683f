import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The sandbox's stand-ins the rate-limit scenario runs against. */
export type StandIn = 'openai' | 'together';

/** How each client gets a batch of images, the way its users write it (scenario 6's rows). */
export const RUNNER_NAMES = [
  'pictor-batch',
  'pictor-fixed-16',
  'ai-sdk',
  'openai',
  'together-ai',
  'sequential',
] as const;
export type RunnerName = (typeof RUNNER_NAMES)[number];

/** Peer SDKs speak their own provider's API only: which stand-in each runner can be pointed at. */
export const RUNNER_STAND_INS: Record<RunnerName, readonly StandIn[]> = {
  'pictor-batch': ['openai', 'together'],
  'pictor-fixed-16': ['openai', 'together'],
  'ai-sdk': ['openai', 'together'],
  openai: ['openai'],
  'together-ai': ['together'],
  sequential: ['openai', 'together'],
};

/** What a user of each runner writes, for the table. */
export const RUNNER_HOW: Record<RunnerName, string> = {
  'pictor-batch': '`runBatch({ client, jobs, outDir })`, defaults',
  'pictor-fixed-16': '`runBatch` with a client of `{ adaptiveConcurrency: false, concurrency: 16 }` (a fixed cap)',
  'ai-sdk': '`Promise.all(prompts.map((prompt) => generateImage(…)))`',
  openai: '`images.generate` under `pLimit(16)`, default retries',
  'together-ai': '`images.generate` under `pLimit(16)`, default retries',
  sequential: 'a loop: `await client.generate(…)` per prompt (pictor-core)',
};

/** Calls in flight the p-limit peers get: what their users typically pick. */
export const PEER_CONCURRENCY = 16;

/** Small images: the scenario is about pacing, and the sandbox renders every distinct one. */
const MODEL: Record<StandIn, { model: string; size: `${number}x${number}` }> = {
  openai: { model: 'dall-e-2', size: '256x256' },
  together: { model: 'black-forest-labs/FLUX.1-schnell', size: '256x256' },
};

export interface RunnerTarget {
  standIn: StandIn;
  /** The stand-in's base URL, e.g. `http://127.0.0.1:1234/openai/v1`. */
  baseURL: string;
  apiKey: string;
}

/** Told of every image as it arrives and of every prompt given up on. */
export interface Tally {
  image(): void;
  failed(error: unknown): void;
}

type Runner = (target: RunnerTarget, prompts: string[], tally: Tally) => Promise<void>;

/** Settles every prompt: a user's `Promise.all` would reject at the first failure, which would end the count. */
const each = (prompts: string[], tally: Tally, one: (prompt: string) => Promise<number>): Promise<unknown> =>
  Promise.all(
    prompts.map((prompt) =>
      one(prompt).then(
        (images) => {
          for (let i = 0; i < images; i++) tally.image();
        },
        (error: unknown) => tally.failed(error),
      ),
    ),
  );

async function pictorClient(target: RunnerTarget, fixed?: { concurrency: number }) {
  const { createPictorClient } = await import('@pictor/core');
  return createPictorClient({
    provider: 'custom',
    dialect: target.standIn,
    baseURL: target.baseURL,
    apiKey: target.apiKey,
    model: MODEL[target.standIn].model,
    ...(fixed ? { adaptiveConcurrency: false, concurrency: fixed.concurrency } : {}),
  });
}

/** `runBatch` with its defaults; `fixed`: with a client whose cap is fixed, to show what the adaptive limit adds. */
const pictorBatch =
  (fixed?: { concurrency: number }): Runner =>
  async (target, prompts, tally) => {
    const { runBatch } = await import('@pictor/core/batch');
    const client = await pictorClient(target, fixed);
    const outDir = await mkdtemp(join(tmpdir(), 'pictor-bench-rate-limit-'));
    try {
      await runBatch({
        client,
        outDir,
        jobs: prompts.map((prompt, i) => ({
          line: i + 1,
          request: { prompt, n: 1, size: MODEL[target.standIn].size },
        })),
        onEvent: (event) => {
          if (event.type === 'saved') for (const _ of event.saved.images) tally.image();
          else if (event.type === 'failed') tally.failed(event.error);
        },
      });
    } finally {
      await client.close();
      await rm(outDir, { recursive: true, force: true });
    }
  };

const RUNNERS: Record<RunnerName, Runner> = {
  'pictor-batch': pictorBatch(),
  'pictor-fixed-16': pictorBatch({ concurrency: 16 }),

  'ai-sdk': async (target, prompts, tally) => {
    const { generateImage } = await import('ai');
    const model =
      target.standIn === 'openai'
        ? (await import('@ai-sdk/openai'))
            .createOpenAI({ apiKey: target.apiKey, baseURL: target.baseURL })
            .image(MODEL.openai.model)
        : (await import('@ai-sdk/togetherai'))
            .createTogetherAI({ apiKey: target.apiKey, baseURL: target.baseURL })
            .image(MODEL.together.model);
    const { size } = MODEL[target.standIn];
    await each(prompts, tally, async (prompt) => {
      const result = await generateImage({ model, prompt, n: 1, size });
      return result.images.filter((image) => image.base64.length > 0).length;
    });
  },

  openai: async (target, prompts, tally) => {
    const { default: OpenAI } = await import('openai');
    const { default: pLimit } = await import('p-limit');
    const client = new OpenAI({ apiKey: target.apiKey, baseURL: target.baseURL });
    const limit = pLimit(PEER_CONCURRENCY);
    const { model, size } = MODEL.openai;
    await each(prompts, tally, (prompt) =>
      limit(async () => {
        const answer = await client.images.generate({
          model,
          prompt,
          n: 1,
          size: size as '256x256',
          response_format: 'b64_json',
        });
        return (answer.data ?? []).filter((item) => Buffer.from(item.b64_json ?? '', 'base64').length > 0).length;
      }),
    );
  },

  'together-ai': async (target, prompts, tally) => {
    const { default: Together } = await import('together-ai');
    const { default: pLimit } = await import('p-limit');
    const client = new Together({ apiKey: target.apiKey, baseURL: target.baseURL });
    const limit = pLimit(PEER_CONCURRENCY);
    await each(prompts, tally, (prompt) =>
      limit(async () => {
        const answer = await client.images.generate({
          model: MODEL.together.model,
          prompt,
          n: 1,
          width: 256,
          height: 256,
          response_format: 'base64',
        });
        return answer.data.filter((item) => 'b64_json' in item && Buffer.from(item.b64_json, 'base64').length > 0)
          .length;
      }),
    );
  },

  sequential: async (target, prompts, tally) => {
    const client = await pictorClient(target);
    try {
      for (const prompt of prompts) {
        try {
          const result = await client.generate({ prompt, n: 1, size: MODEL[target.standIn].size });
          for (const _ of result.images) tally.image();
          for (const failure of result.failures) tally.failed(failure.error);
        } catch (error) {
          tally.failed(error);
        }
      }
    } finally {
      await client.close();
    }
  },
};

/** Runs one runner's batch; every prompt is either counted as images or as a failure. */
export function runBatchWith(name: RunnerName, target: RunnerTarget, prompts: string[], tally: Tally): Promise<void> {
  return RUNNERS[name](target, prompts, tally);
}
