import type * as Core from '@pictor/core';
import { API_KEY, TOGETHER_MODEL, type BenchClient, type ClientSetup } from './client.ts';

/**
 * `@pictor/core` on the Together dialect. Its own per-client cap on calls in flight (default 4) is set to the
 * benchmark's concurrency. Every image comes back validated, sniffed, measured and hashed.
 */
export async function create(setup: ClientSetup): Promise<BenchClient> {
  // PICTOR_BENCH_CORE=/path/to/dist/index.js A/B-tests another build of core (e.g. a change under review).
  const { createPictorClient } = (await import(process.env.PICTOR_BENCH_CORE ?? '@pictor/core')) as typeof Core;
  const client = createPictorClient({
    provider: 'custom',
    dialect: 'together',
    baseURL: setup.urls.together,
    apiKey: API_KEY,
    model: TOGETHER_MODEL,
    concurrency: setup.concurrency,
  });
  const generate = async (prompt: string, n: number): Promise<Uint8Array[]> => {
    const result = await client.generate({ prompt, n });
    return result.images.map((image) => image.bytes);
  };
  return {
    dialect: 'together',
    call: generate,
    // generate() splits n above the model's per-call maximum (4 on Together) into calls run concurrently.
    batch: (prompt, n) => generate(prompt, n),
    close: () => client.close(),
  };
}
