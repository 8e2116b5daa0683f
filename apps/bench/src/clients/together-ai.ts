import Together from 'together-ai';
import { API_KEY, TOGETHER_MODEL, type BenchClient, type ClientSetup } from './client.ts';

/** The `together-ai` SDK, unchanged but for `baseURL` and `apiKey`; `b64_json` decoded with `Buffer.from`. */
export function create(setup: ClientSetup): BenchClient {
  const client = new Together({ apiKey: API_KEY, baseURL: setup.urls.together });
  const call = async (prompt: string, n: number): Promise<Uint8Array[]> => {
    const answer = await client.images.generate({ model: TOGETHER_MODEL, prompt, n, response_format: 'base64' });
    return answer.data.map((item) => Buffer.from(item.b64_json, 'base64'));
  };
  return { dialect: 'together', call, close: async () => {} };
}
