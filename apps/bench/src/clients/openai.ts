import OpenAI from 'openai';
import { API_KEY, OPENAI_MODEL, type BenchClient, type ClientSetup } from './client.ts';

/**
 * The `openai` SDK, unchanged but for `baseURL` and `apiKey`, on its own dialect (the server's OpenAI-shaped
 * route); `gpt-image-1` always answers `b64_json`, decoded with `Buffer.from`.
 */
export function create(setup: ClientSetup): BenchClient {
  const client = new OpenAI({ apiKey: API_KEY, baseURL: setup.urls.openai });
  const call = async (prompt: string, n: number): Promise<Uint8Array[]> => {
    const answer = await client.images.generate({ model: OPENAI_MODEL, prompt, n });
    return (answer.data ?? []).map((item) => Buffer.from(item.b64_json ?? '', 'base64'));
  };
  return { dialect: 'openai', call, close: async () => {} };
}
