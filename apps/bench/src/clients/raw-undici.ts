import { Agent, request } from 'undici';
import { API_KEY, TOGETHER_MODEL, type BenchClient, type ClientSetup } from './client.ts';

interface TogetherAnswer {
  data: Array<{ b64_json: string }>;
}

/**
 * The ceiling: the least a correct client does. `undici.request` through one pooled keep-alive Agent,
 * `JSON.parse` of the whole body, `Buffer.from(b64, 'base64')` of each image. No validation, no retries.
 */
export function create(setup: ClientSetup): BenchClient {
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const url = `${setup.urls.together}/images/generations`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
  const call = async (prompt: string, n: number): Promise<Uint8Array[]> => {
    const res = await request(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: TOGETHER_MODEL, prompt, n, response_format: 'base64' }),
      dispatcher: agent,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`HTTP ${res.statusCode}`);
    }
    const answer = (await res.body.json()) as TogetherAnswer;
    return answer.data.map((item) => Buffer.from(item.b64_json, 'base64'));
  };
  return { dialect: 'together', call, close: () => agent.close() };
}
