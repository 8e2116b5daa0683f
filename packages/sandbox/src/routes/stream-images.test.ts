import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { imageInfo, postJson } from '../__fixtures__/http.js';
import { parseSse, type SseEvent } from '../__fixtures__/sse.js';
import { SpecValidator } from '../spec-validator.js';
import { startSandbox, type Sandbox } from '../start-sandbox.js';

const AUTH = { authorization: 'Bearer sk-stream' };
const validator = new SpecValidator();

function expectConforming(events: SseEvent[], endpoint: 'generations' | 'edits'): void {
  for (const { event, data } of events) {
    expect(event).toBe(data.type);
    expect(validator.validateStreamEvent('openai', data, endpoint), JSON.stringify({ ...data, b64_json: '…' })).toEqual(
      [],
    );
  }
}

describe('stream: true (server-sent events, as the spec names them)', () => {
  let sandbox: Sandbox;
  let input: Buffer;
  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: 'sk-stream' });
    input = await sharp({ create: { width: 128, height: 128, channels: 3, background: '#2040d0' } })
      .png()
      .toBuffer();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults(undefined);
    sandbox.stats.reset();
  });

  const post = (path: string, body: FormData | unknown, headers: Record<string, string> = {}) =>
    fetch(`${sandbox.urls.openai}${path}`, {
      method: 'POST',
      headers:
        body instanceof FormData
          ? { ...AUTH, ...headers }
          : { ...AUTH, 'content-type': 'application/json', ...headers },
      body: body instanceof FormData ? body : JSON.stringify(body),
    });

  it('streams generation partials, then the finished image with usage', async () => {
    const body = { model: 'gpt-image-1', prompt: 'A cute baby sea otter', quality: 'low', seed: 7, partial_images: 2 };
    const res = await post('/images/generations', { ...body, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    expectConforming(events, 'generations');
    expect(events.map((e) => e.data.partial_image_index)).toEqual([0, 1, undefined]);
    expect(events[2]!.data.usage).toMatchObject({ output_tokens: 272 });

    // The final image is the one the same request answers without streaming; the partials are rougher.
    const { stream: _, partial_images: __, ...plain } = { ...body, stream: true };
    const json = await postJson(`${sandbox.urls.openai}/images/generations`, plain, AUTH);
    expect(events[2]!.data.b64_json).toBe(json.json.data[0].b64_json);
    for (const partial of events.slice(0, 2)) {
      const bytes = Buffer.from(String(partial.data.b64_json), 'base64');
      expect(await imageInfo(bytes)).toEqual({ format: 'png', width: 1024, height: 1024 });
      expect(partial.data.b64_json).not.toBe(events[2]!.data.b64_json);
    }
  });

  it('streams edits as image_edit events, for every image of n', async () => {
    const form = new FormData();
    form.append('prompt', 'recolour');
    form.append('n', '2');
    form.append('quality', 'medium');
    form.append('stream', 'true');
    form.append('partial_images', '1');
    form.append('image', new Blob([input], { type: 'image/png' }), 'in.png');
    const res = await post('/images/edits', form);
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'image_edit.partial_image',
      'image_edit.completed',
      'image_edit.partial_image',
      'image_edit.completed',
    ]);
    expectConforming(events, 'edits');
    expect(events[1]!.data.usage).toMatchObject({ input_tokens_details: { image_tokens: 272 } });
    expect(sandbox.stats.imagesServed).toBe(2);
  });

  it('sends only the completed event with partial_images 0, and refuses stream on dall-e-2', async () => {
    const res = await post('/images/generations', {
      model: 'gpt-image-1-mini',
      prompt: 'p',
      stream: true,
      quality: 'low',
    });
    expect(parseSse(await res.text()).map((e) => e.event)).toEqual(['image_generation.completed']);
    const dalle = await postJson(
      `${sandbox.urls.openai}/images/generations`,
      { model: 'dall-e-2', prompt: 'p', stream: true },
      AUTH,
    );
    expect(dalle.status).toBe(400);
    expect(dalle.json.error).toMatchObject({ param: 'stream', code: 'unknown_parameter' });
  });

  it('stops a stream whose client leaves: nothing more is rendered or sent', async () => {
    // A long wait per image keeps the sandbox between events when the client leaves.
    const controller = new AbortController();
    const res = await fetch(`${sandbox.urls.openai}/images/generations`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', 'x-sandbox-latency-ms': '600000' },
      body: JSON.stringify({
        model: 'gpt-image-1',
        prompt: 'leave',
        n: 3,
        stream: true,
        partial_images: 2,
        quality: 'low',
      }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^event: image_generation.partial_image\n/);
    controller.abort();
    await vi.waitFor(() => expect(sandbox.stats.streamsCancelled).toBe(1), { timeout: 10_000 });
    expect(sandbox.stats.imagesRendered).toBe(1); // the second and third images were never rendered
    expect(sandbox.stats.imagesServed).toBe(0);
  });

  it('injects the faults a stream can carry: a reset after the first event, corrupt base64', async () => {
    const body = { model: 'gpt-image-1', prompt: 'p', stream: true, partial_images: 1, quality: 'low' };
    const reset = await post('/images/generations', body, { 'x-sandbox-fault': 'reset' });
    expect(reset.status).toBe(200);
    const failure = await reset.text().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    const corrupt = await post('/images/generations', body, { 'x-sandbox-fault': 'invalid-base64' });
    const events = parseSse(await corrupt.text());
    expect(events).toHaveLength(2);
    for (const e of events) expect(String(e.data.b64_json)).toMatch(/[^A-Za-z0-9+/=]/);
    expect((await post('/images/generations', body, { 'x-sandbox-fault': 'rate-limit' })).status).toBe(429);
    expect(sandbox.stats.faults).toMatchObject({ reset: 1, 'invalid-base64': 1, 'rate-limit': 1 });
  });
});
