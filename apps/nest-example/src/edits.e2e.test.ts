import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bootOpenAiApp, captureLogs } from './__fixtures__/openai-app.js';
import { MAX_UPLOAD_BYTES } from './upload-limits.js';

const API_KEY = 'nest-edits-provider-key-3a9f';
const PROMPT = 'a lighthouse at dusk';
/** The colour of the uploaded image: a deep blue, far from what the prompt paints. */
const BLUE = { r: 20, g: 60, b: 200 };

let sandbox: Sandbox;
let app: INestApplication | undefined;
let input: Buffer;
let jpeg: Buffer;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
  input = await sharp({ create: { width: 512, height: 512, channels: 3, background: BLUE } })
    .png()
    .toBuffer();
  jpeg = await sharp({ create: { width: 512, height: 512, channels: 3, background: BLUE } })
    .jpeg()
    .toBuffer();
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot() {
  app = await bootOpenAiApp(sandbox, API_KEY, captureLogs().logger);
  return request(await app.getUrl());
}

interface EditResponse {
  provider: string;
  model: string;
  images: { id: string; url: string; width: number; height: number; mediaType: string; sha256: string }[];
  inputs: { index: number; sha256?: string; width?: number; height?: number; mediaType?: string }[];
  mask?: { sha256?: string };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The mean colour of an image. */
async function meanColour(bytes: Buffer): Promise<number[]> {
  const { channels } = await sharp(bytes).stats();
  return channels.slice(0, 3).map((c) => c.mean);
}

const distance = (a: number[], b: number[]): number => Math.hypot(...a.map((v, i) => v - b[i]!));

describe('POST /images/edits', () => {
  it('edits an uploaded image into a derived one: its size, its input by hash, its colour near the input', async () => {
    const http = await boot();
    sandbox.stats.reset();
    const res = await http
      .post('/images/edits')
      .field('prompt', PROMPT)
      .field('size', '1024x1024')
      .attach('image', input, { filename: 'blue.png', contentType: 'image/png' })
      .expect(201);
    const body = res.body as EditResponse;
    expect(sandbox.stats.edits.openai).toBe(1);
    expect(body).toMatchObject({ provider: 'openai', model: 'gpt-image-1' });
    expect(body.images).toHaveLength(1);
    expect(body.images[0]).toMatchObject({ width: 1024, height: 1024, mediaType: 'image/png' });
    expect(body.inputs).toEqual([
      expect.objectContaining({ index: 0, sha256: sha256(input), width: 512, height: 512, mediaType: 'image/png' }),
    ]);

    const edited = (await http.get(body.images[0]!.url).buffer(true).expect(200)).body as Buffer;
    expect(sha256(edited)).toBe(body.images[0]!.sha256);
    expect(await sharp(edited).metadata()).toMatchObject({ width: 1024, height: 1024 });

    // A plain generation of the same prompt looks nothing like the input; the edit stays near it.
    const generated = await http.post('/images').send({ prompt: PROMPT, size: '1024x1024' }).expect(201);
    const plain = (
      await http
        .get((generated.body as EditResponse).images[0]!.url)
        .buffer(true)
        .expect(200)
    ).body as Buffer;
    const blue = [BLUE.r, BLUE.g, BLUE.b];
    expect(sha256(edited)).not.toBe(sha256(plain));
    expect(distance(await meanColour(edited), blue)).toBeLessThan(distance(await meanColour(plain), blue) / 2);
  });

  it('takes several images and a mask: the mask keeps its opaque part of the input as it was', async () => {
    const http = await boot();
    const second = await sharp({ create: { width: 512, height: 512, channels: 3, background: '#c83214' } })
      .png()
      .toBuffer();
    // Opaque on the left half (kept), transparent on the right (edited).
    const mask = await sharp({ create: { width: 512, height: 512, channels: 4, background: '#00000000' } })
      .composite([
        { input: { create: { width: 256, height: 512, channels: 4, background: '#000000ff' } }, left: 0, top: 0 },
      ])
      .png()
      .toBuffer();
    sandbox.stats.reset();
    const res = await http
      .post('/images/edits')
      .field('prompt', PROMPT)
      .field('size', '1024x1024')
      .attach('image', input, 'blue.png')
      .attach('image', second, 'red.png')
      .attach('mask', mask, 'mask.png')
      .expect(201);
    const body = res.body as EditResponse;
    expect(sandbox.stats.edits.openai).toBe(1);
    expect(body.inputs.map((i) => i.sha256)).toEqual([sha256(input), sha256(second)]);
    expect(body.mask?.sha256).toBe(sha256(mask));

    const edited = (await http.get(body.images[0]!.url).buffer(true).expect(200)).body as Buffer;
    const { data, info } = await sharp(edited).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect(pixel(100, 500)).toEqual([BLUE.r, BLUE.g, BLUE.b]);
    expect(pixel(900, 500)).not.toEqual([BLUE.r, BLUE.g, BLUE.b]);
  });

  it('answers 400 naming the field when the provider-side rules refuse an input, before calling it', async () => {
    const http = await boot();
    sandbox.stats.reset();
    // A mask must have the first image's dimensions.
    const small = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#00000000' } })
      .png()
      .toBuffer();
    const res = await http
      .post('/images/edits')
      .field('prompt', PROMPT)
      .attach('image', input, 'blue.png')
      .attach('mask', small, 'mask.png')
      .expect(400);
    expect((res.body as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain('mask');
    expect(sandbox.stats.edits.openai).toBe(0);
  });
});

describe('upload limits', () => {
  const fields = (res: request.Response) => (res.body as { fields: { field: string }[] }).fields.map((f) => f.field);

  it('refuses a file over the size limit with 413 naming the field, before calling the provider', async () => {
    const http = await boot();
    sandbox.stats.reset();
    const huge = Buffer.concat([input, Buffer.alloc(MAX_UPLOAD_BYTES)]);
    const res = await http
      .post('/images/edits')
      .field('prompt', PROMPT)
      .attach('image', huge, 'huge.png')
      .catch((error: { response?: request.Response }) => error.response!);
    expect(res.status).toBe(413);
    expect(fields(res)).toEqual(['image']);
    expect((res.body as { message: string }).message).toBe('Invalid upload: image: must be at most 10 MiB');
    expect(sandbox.stats.edits.openai).toBe(0);
  });

  it.each([
    [
      'too many images',
      (r: request.Test) => [1, 2, 3, 4, 5].reduce((t, i) => t.attach('image', input, `${i}.png`), r),
      'image',
    ],
    [
      'two masks',
      (r: request.Test) =>
        r.attach('image', input, 'a.png').attach('mask', input, 'm.png').attach('mask', input, 'n.png'),
      'mask',
    ],
    [
      'an unknown file field',
      (r: request.Test) => r.attach('image', input, 'a.png').attach('photo', input, 'p.png'),
      'photo',
    ],
    ['no image', (r: request.Test) => r, 'image'],
    [
      'a text file as the image',
      (r: request.Test) =>
        r.attach('image', Buffer.from('not an image at all'), { filename: 'x.png', contentType: 'image/png' }),
      'image[0]',
    ],
    [
      'a second image that is not one',
      (r: request.Test) => r.attach('image', input, 'a.png').attach('image', Buffer.from('GIF89a'), 'b.gif'),
      'image[1]',
    ],
    ['a JPEG mask', (r: request.Test) => r.attach('image', input, 'a.png').attach('mask', jpeg, 'm.png'), 'mask'],
    [
      'an unknown text field',
      (r: request.Test) => r.attach('image', input, 'a.png').field('model', 'dall-e-2'),
      'model',
    ],
    ['n that is not a number', (r: request.Test) => r.attach('image', input, 'a.png').field('n', 'two'), 'n'],
    [
      'a bad inputFidelity',
      (r: request.Test) => r.attach('image', input, 'a.png').field('inputFidelity', 'max'),
      'inputFidelity',
    ],
  ])('refuses %s with 400 naming %s, before calling the provider', async (_, build, field) => {
    const http = await boot();
    sandbox.stats.reset();
    const res = await build(http.post('/images/edits').field('prompt', PROMPT)).catch(
      (error: { response?: request.Response }) => error.response!,
    );
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
    expect((res.body as { message: string }).message).toContain(field);
    expect(sandbox.stats.edits.openai).toBe(0);
  });

  it('still refuses multipart bodies on the other routes with 415', async () => {
    const http = await boot();
    await http.post('/images').field('prompt', PROMPT).expect(415);
  });
});

describe('a cross-site upload', () => {
  it.each([
    [{ 'sec-fetch-site': 'cross-site' }],
    [{ 'sec-fetch-site': 'same-site' }],
    [{ origin: 'https://evil.example' }],
    [{ origin: 'null' }],
  ])('is refused with 403 when the browser says %j, before reading the upload', async (headers) => {
    const http = await boot();
    sandbox.stats.reset();
    const res = await http.post('/images/edits').set(headers).field('prompt', PROMPT).attach('image', input, 'a.png');
    expect(res.status).toBe(403);
    expect(sandbox.stats.edits.openai).toBe(0);
  });

  it('passes when the page is the app itself', async () => {
    const http = await boot();
    const origin = (await app!.getUrl()).replace('[::1]', '127.0.0.1');
    await http
      .post('/images/edits')
      .set({ 'sec-fetch-site': 'same-origin', origin })
      .field('prompt', PROMPT)
      .attach('image', input, 'a.png')
      .expect(201);
  });
});
