import { createTogetherAI } from '@ai-sdk/togetherai';
import { generateImage } from 'ai';
import { API_KEY, TOGETHER_MODEL, type BenchClient, type ClientSetup } from './client.ts';

/**
 * The Vercel AI SDK's `generateImage` with `@ai-sdk/togetherai`, unchanged but for `baseURL` and `apiKey`.
 * Its Together model declares one image per call, so `maxImagesPerCall` is passed to send the same request as
 * every other client (n images in one call). Bytes from `Buffer.from(image.base64, 'base64')`, the same
 * decode as the others (the SDK's own `image.uint8Array` decodes through `atob` and is slower).
 */
export function create(setup: ClientSetup): BenchClient {
  const together = createTogetherAI({ apiKey: API_KEY, baseURL: setup.urls.together });
  const model = together.image(TOGETHER_MODEL);
  const generate = async (prompt: string, n: number, perCall: number): Promise<Uint8Array[]> => {
    const result = await generateImage({ model, prompt, n, maxImagesPerCall: perCall });
    return result.images.map((image) => Buffer.from(image.base64, 'base64'));
  };
  return {
    dialect: 'together',
    call: (prompt, n) => generate(prompt, n, n),
    // generateImage splits n into calls of maxImagesPerCall and sends them all at once.
    batch: generate,
    close: async () => {},
  };
}
