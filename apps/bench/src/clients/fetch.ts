import { API_KEY, TOGETHER_MODEL, type BenchClient, type ClientSetup } from './client.ts';

interface TogetherAnswer {
  data: Array<{ b64_json: string }>;
}

/** Node's global `fetch` (undici inside, its global keep-alive pool), `res.json()`, `Buffer.from` of each image. */
export function create(setup: ClientSetup): BenchClient {
  const url = `${setup.urls.together}/images/generations`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
  const call = async (prompt: string, n: number): Promise<Uint8Array[]> => {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: TOGETHER_MODEL, prompt, n, response_format: 'base64' }),
    });
    if (!res.ok) {
      await res.arrayBuffer();
      throw new Error(`HTTP ${res.status}`);
    }
    const answer = (await res.json()) as TogetherAnswer;
    return answer.data.map((item) => Buffer.from(item.b64_json, 'base64'));
  };
  return { dialect: 'together', call, close: async () => {} };
}
