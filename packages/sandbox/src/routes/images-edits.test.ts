import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { imageInfo, postJson } from '../__fixtures__/http.js';
import { startSandbox, type Sandbox } from '../start-sandbox.js';

const AUTH = { authorization: 'Bearer sk-edits' };

function solid(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** Mean RGB of an image. */
async function meanColour(bytes: Buffer): Promise<number[]> {
  const stats = await sharp(bytes).removeAlpha().stats();
  return stats.channels.map((c) => c.mean);
}

function distance(a: number[], b: number[]): number {
  return Math.hypot(...a.map((v, i) => v - b[i]!));
}

function form(fields: Record<string, string>, files: Array<[string, Buffer, string?]>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  for (const [name, bytes, type] of files) body.append(name, new Blob([bytes], { type: type ?? 'image/png' }), 'x.png');
  return body;
}

describe('POST /openai/v1/images/edits', () => {
  let sandbox: Sandbox;
  let red: Buffer;
  const edit = async (body: FormData | string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${sandbox.urls.openai}/images/edits`, {
      method: 'POST',
      headers: { ...AUTH, ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const editJson = (body: unknown) => edit(JSON.stringify(body), { 'content-type': 'application/json' });

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: 'sk-edits' });
    red = await solid(256, 256, '#e01010');
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.setFaults(undefined);
    sandbox.stats.reset();
  });

  it('edits a multipart upload into a picture visibly derived from it', async () => {
    const prompt = 'A lighthouse at dusk';
    const res = await edit(form({ model: 'gpt-image-1', prompt, size: '1024x1024', quality: 'low' }, [['image', red]]));
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ size: '1024x1024', output_format: 'png', quality: 'low' });
    expect(res.json.usage.input_tokens_details.image_tokens).toBeGreaterThan(0);
    const edited = Buffer.from(res.json.data[0].b64_json, 'base64');
    expect(await imageInfo(edited)).toEqual({ format: 'png', width: 1024, height: 1024 });
    expect(sandbox.stats.edits.openai).toBe(1);

    // The same prompt generated from nothing lies far from the input's colour; the edit lies near it.
    const generated = await postJson(
      `${sandbox.urls.openai}/images/generations`,
      { model: 'gpt-image-1', prompt, size: '1024x1024', quality: 'low' },
      AUTH,
    );
    const input = await meanColour(red);
    const editMean = await meanColour(edited);
    const generatedMean = await meanColour(Buffer.from(generated.json.data[0].b64_json, 'base64'));
    expect(distance(editMean, input)).toBeLessThan(distance(generatedMean, input) / 2);
    // …and it is not the input: the tint and the marks moved it.
    expect(distance(editMean, input)).toBeGreaterThan(10);
  });

  it('edits only where the mask is transparent; opaque mask areas keep the input', async () => {
    // Left half transparent (edit here), right half opaque (keep).
    const alpha = Buffer.alloc(256 * 256 * 4);
    for (let p = 0; p < 256 * 256; p++) alpha[p * 4 + 3] = p % 256 < 128 ? 0 : 255;
    const mask = await sharp(alpha, { raw: { width: 256, height: 256, channels: 4 } })
      .png()
      .toBuffer();
    const res = await edit(
      form({ model: 'gpt-image-1.5', prompt: 'orbs', size: '1024x1024' }, [
        ['image', red],
        ['mask', mask],
      ]),
    );
    expect(res.status, res.text).toBe(200);
    const out = Buffer.from(res.json.data[0].b64_json, 'base64');
    // The mask is scaled to the output: leave its blended seam (a few pixels around x = 512) out of the halves.
    const half = (left: number) => sharp(out).extract({ left, top: 0, width: 496, height: 1024 }).png().toBuffer();
    const kept = await meanColour(await half(528));
    const edited = await meanColour(await half(0));
    expect(distance(kept, [224, 16, 16])).toBeLessThan(2);
    expect(distance(edited, [224, 16, 16])).toBeGreaterThan(10);
    const keptStats = await sharp(await half(528)).stats();
    expect(keptStats.channels.slice(0, 3).map((c) => c.stdev)).toEqual([0, 0, 0]);
  });

  it('takes JSON bodies with data: URLs and URLs the sandbox issued, never the network', async () => {
    const dataUrl = `data:image/png;base64,${red.toString('base64')}`;
    const ok = await editJson({
      model: 'gpt-image-1',
      prompt: 'p',
      images: [{ image_url: dataUrl }],
      size: '1024x1536',
    });
    expect(ok.status, ok.text).toBe(200);
    expect(await imageInfo(Buffer.from(ok.json.data[0].b64_json, 'base64'))).toMatchObject({
      width: 1024,
      height: 1536,
    });

    const issued = await postJson(
      `${sandbox.urls.openai}/images/generations`,
      { model: 'dall-e-2', prompt: 'source', size: '256x256' },
      AUTH,
    );
    const own = await editJson({ prompt: 'p', images: [{ image_url: issued.json.data[0].url }] });
    expect(own.status, own.text).toBe(200);

    const remote = await editJson({ prompt: 'p', images: [{ image_url: 'https://example.com/a.png' }] });
    expect(remote.status).toBe(400);
    expect(remote.json.error).toMatchObject({ param: 'images[0].image_url', code: 'invalid_image_url' });
    expect(remote.json.error.message).toMatch(/fetches no images from the network/);
    const byId = await editJson({ prompt: 'p', images: [{ file_id: 'file-abc' }] });
    expect(byId.json.error).toMatchObject({ param: 'images[0].file_id' });
    expect(byId.json.error.message).toMatch(/no Files API/);
    const dalle = await editJson({ model: 'dall-e-2', prompt: 'p', images: [{ image_url: dataUrl }] });
    expect(dalle.json.error.message).toMatch(/multipart\/form-data/);
  });

  it('answers dall-e-2 edits with URLs that serve the edited bytes', async () => {
    const res = await edit(form({ model: 'dall-e-2', prompt: 'p', size: '512x512' }, [['image', red]]));
    expect(res.status, res.text).toBe(200);
    const bytes = Buffer.from(await (await fetch(res.json.data[0].url)).arrayBuffer());
    expect(await imageInfo(bytes)).toEqual({ format: 'png', width: 512, height: 512 });
    const generated = await postJson(
      `${sandbox.urls.openai}/images/generations`,
      { model: 'dall-e-2', prompt: 'p', size: '512x512', response_format: 'b64_json' },
      AUTH,
    );
    const generatedMean = await meanColour(Buffer.from(generated.json.data[0].b64_json, 'base64'));
    const input = await meanColour(red);
    expect(distance(await meanColour(bytes), input)).toBeLessThan(distance(generatedMean, input));
  });

  it('checks the form against the spec, with fields converted to their schema types', async () => {
    const cases: Array<[FormData, Record<string, unknown>]> = [
      [form({ prompt: 'p', n: 'many' }, [['image', red]]), { param: 'n', code: 'invalid_type' }],
      [form({ prompt: 'p', n: '11' }, [['image', red]]), { param: 'n', code: 'integer_above_max_value' }],
      [form({ prompt: 'p', stream: 'maybe' }, [['image', red]]), { param: 'stream', code: 'invalid_type' }],
      [form({ prompt: 'p', quality: 'hd' }, [['image', red]]), { param: 'quality', code: 'invalid_value' }],
      [form({ prompt: 'p', partial_images: '4' }, [['image', red]]), { param: 'partial_images' }],
      [form({ prompt: 'p' }, []), { param: 'image', code: 'missing_required_parameter' }],
      [form({ image: 'not a file' }, [['image', red]]), { param: 'image', code: 'invalid_type' }],
      [
        form(
          { prompt: 'p' },
          Array.from({ length: 17 }, () => ['image[]', red] as [string, Buffer]),
        ),
        { param: 'image' },
      ],
      [form({ prompt: 'p' }, [['photo', red]]), { param: 'photo', code: 'unknown_parameter' }],
    ];
    for (const [body, error] of cases) {
      const res = await edit(body);
      expect(res.status, res.text).toBe(400);
      expect(res.json.error, res.text).toMatchObject(error);
    }
  });

  it('applies the limits of each model the spec states', async () => {
    const wide = await solid(300, 200, '#00ff00');
    const cases: Array<[FormData, Record<string, unknown>]> = [
      [form({ model: 'dall-e-3', prompt: 'p' }, [['image', red]]), { param: 'model', code: 'invalid_value' }],
      [
        form({ model: 'gpt-image-1-mini', prompt: 'p', input_fidelity: 'high' }, [['image', red]]),
        { param: 'input_fidelity' },
      ],
      [form({ model: 'dall-e-2', prompt: 'p' }, [['image', wide]]), { param: 'image', code: 'invalid_image' }],
      [
        form({ model: 'dall-e-2', prompt: 'p' }, [
          ['image[]', red],
          ['image[]', red],
        ]),
        { param: 'image', code: 'array_above_max_length' },
      ],
      [
        form({ model: 'dall-e-2', prompt: 'p', output_format: 'webp' }, [['image', red]]),
        { code: 'unknown_parameter' },
      ],
      [form({ prompt: 'p' }, [['image', Buffer.from('not an image')]]), { code: 'invalid_image_format' }],
      [
        form({ prompt: 'p' }, [
          ['image', red],
          ['mask', wide],
        ]),
        { param: 'mask', code: 'invalid_image' },
      ],
      [form({ model: 'gpt-image-1', prompt: 'p', size: '1792x1024' }, [['image', red]]), { param: 'size' }],
    ];
    for (const [body, error] of cases) {
      const res = await edit(body);
      expect(res.status, res.text).toBe(400);
      expect(res.json.error, res.text).toMatchObject(error);
    }
    const fidelity = await edit(form({ model: 'gpt-image-1', prompt: 'p', input_fidelity: 'high' }, [['image', red]]));
    expect(fidelity.status, fidelity.text).toBe(200);
    const latest = await edit(form({ model: 'chatgpt-image-latest', prompt: 'p' }, [['image', red]]));
    expect(latest.status, latest.text).toBe(200);
    const free = await edit(form({ model: 'gpt-image-2', prompt: 'p', size: '1536x864' }, [['image', red]]));
    expect(free.status, free.text).toBe(200);
    expect(await imageInfo(Buffer.from(free.json.data[0].b64_json, 'base64'))).toMatchObject({
      width: 1536,
      height: 864,
    });
  });

  it('refuses other content types, and is not offered where the spec has no edits', async () => {
    const text = await edit('prompt=p', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.json.error.code).toBe('invalid_content_type');
    const r9s = await fetch(`${sandbox.urls.r9s}/images/edits`, {
      method: 'POST',
      headers: AUTH,
      body: form({ prompt: 'p' }, [['image', red]]),
    });
    expect(r9s.status).toBe(404);
  });

  it('keeps the faults: rate limit, server error and a reset mid-body', async () => {
    const body = () => form({ prompt: 'p', quality: 'low' }, [['image', red]]);
    expect((await edit(body(), { 'x-sandbox-fault': 'rate-limit' })).status).toBe(429);
    expect((await edit(body(), { 'x-sandbox-fault': 'server-error' })).status).toBe(500);
    const reset = await edit(body(), { 'x-sandbox-fault': 'reset' }).catch((error: unknown) => error);
    expect(reset).toBeInstanceOf(TypeError); // undici: terminated
    expect(sandbox.stats.faults).toMatchObject({ 'rate-limit': 1, 'server-error': 1, reset: 1 });
  });
});
