import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { colourDistance, dataUrl, meanColour, solidPng } from './__fixtures__/colour.js';
import { getJson, imageInfo, postJson } from './__fixtures__/http.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

const AUTH = { authorization: 'Bearer tg-edits' };
const KONTEXT = 'black-forest-labs/FLUX.1-kontext-pro';
const FLUX2_DEV = 'black-forest-labs/FLUX.2-dev';
const FLUX2_PRO = 'black-forest-labs/FLUX.2-pro';
const GEMINI = 'google/gemini-3-pro-image';

describe('Together stand-in: edits through image_url and reference_images', () => {
  let sandbox: Sandbox;
  let red: Buffer;
  let blue: Buffer;
  const generate = (body: Record<string, unknown>) =>
    postJson(`${sandbox.urls.together}/images/generations`, body, AUTH);
  const firstImage = (json: { data: Array<{ b64_json: string }> }) => Buffer.from(json.data[0]!.b64_json, 'base64');

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: 'tg-edits' });
    red = await solidPng(256, 256, '#e01010');
    blue = await solidPng(200, 300, '#1030e0');
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.stats.reset());

  it('edits a data: URL on FLUX.1 Kontext into a picture visibly derived from it', async () => {
    const prompt = 'A lighthouse at dusk';
    const base = { model: KONTEXT, prompt, width: 512, height: 512, seed: 7, response_format: 'base64' };
    const edit = await generate({ ...base, image_url: dataUrl(red) });
    expect(edit.status, edit.text).toBe(200);
    expect(edit.json).toMatchObject({ model: KONTEXT, object: 'list' });
    const edited = firstImage(edit.json);
    expect(await imageInfo(edited)).toEqual({ format: 'jpeg', width: 512, height: 512 });

    // The same request without the input lies far from the input's colour; the edit lies near it, yet is not it.
    const generated = await generate(base);
    expect(generated.status, generated.text).toBe(200);
    const input = await meanColour(red);
    const editMean = await meanColour(edited);
    const generatedMean = await meanColour(firstImage(generated.json));
    expect(colourDistance(editMean, input)).toBeLessThan(colourDistance(generatedMean, input) / 2);
    expect(colourDistance(editMean, input)).toBeGreaterThan(10);
    expect(sandbox.stats.generations.together).toBe(2);
  });

  it('serves an edit as a URL, and edits an image the sandbox issued', async () => {
    const body = { model: KONTEXT, prompt: 'source', width: 256, height: 256, seed: 3, image_url: dataUrl(red) };
    const source = await generate(body);
    expect(source.status, source.text).toBe(200);
    const url: string = source.json.data[0].url;
    const served = Buffer.from(await (await fetch(url)).arrayBuffer());
    const inline = await generate({ ...body, response_format: 'base64' });
    expect(served.equals(firstImage(inline.json))).toBe(true);

    // Editing the issued URL reads exactly the bytes it serves: the same as editing them sent inline.
    const again = {
      model: 'black-forest-labs/FLUX.1-kontext-max',
      prompt: 'again',
      width: 256,
      height: 256,
      seed: 4,
      response_format: 'base64',
      output_format: 'png',
    };
    const byUrl = await generate({ ...again, image_url: url });
    expect(byUrl.status, byUrl.text).toBe(200);
    expect(await imageInfo(firstImage(byUrl.json))).toEqual({ format: 'png', width: 256, height: 256 });
    const byData = await generate({ ...again, image_url: dataUrl(served, 'image/jpeg') });
    expect(firstImage(byUrl.json).equals(firstImage(byData.json))).toBe(true);
    const plain = await generate(again);
    expect(firstImage(byUrl.json).equals(firstImage(plain.json))).toBe(false);
  });

  it('derives a FLUX.2 [dev] picture from the first of its reference_images', async () => {
    const body = { model: FLUX2_DEV, prompt: 'orbs', width: 300, height: 200, seed: 11, response_format: 'base64' };
    const redFirst = await generate({ ...body, reference_images: [dataUrl(red), dataUrl(blue)] });
    const blueFirst = await generate({ ...body, reference_images: [dataUrl(blue), dataUrl(red)] });
    expect(redFirst.status, redFirst.text).toBe(200);
    expect(blueFirst.status, blueFirst.text).toBe(200);
    expect(await imageInfo(firstImage(redFirst.json))).toEqual({ format: 'jpeg', width: 300, height: 200 });
    const [redMean, blueMean] = [await meanColour(red), await meanColour(blue)];
    const fromRed = await meanColour(firstImage(redFirst.json));
    const fromBlue = await meanColour(firstImage(blueFirst.json));
    expect(colourDistance(fromRed, redMean)).toBeLessThan(colourDistance(fromRed, blueMean));
    expect(colourDistance(fromBlue, blueMean)).toBeLessThan(colourDistance(fromBlue, redMean));
  });

  it('takes either field on FLUX.2 [pro], and reference_images on Gemini (one image, no seed)', async () => {
    const pro = await generate({ model: FLUX2_PRO, prompt: 'p', width: 128, height: 128, image_url: dataUrl(red) });
    expect(pro.status, pro.text).toBe(200);
    // With both fields, image_url comes first: the picture derives from it, not from the references.
    const both = async (first: Buffer, others: Buffer) => {
      const res = await generate({
        model: FLUX2_PRO,
        prompt: 'p',
        width: 128,
        height: 128,
        seed: 5,
        image_url: dataUrl(first),
        reference_images: Array.from({ length: 7 }, () => dataUrl(others)),
        response_format: 'base64',
      });
      expect(res.status, res.text).toBe(200);
      return meanColour(firstImage(res.json));
    };
    const redMean = await meanColour(red);
    expect(colourDistance(await both(red, blue), redMean)).toBeLessThan(colourDistance(await both(blue, red), redMean));
    const gemini = await generate({
      model: GEMINI,
      prompt: 'p',
      width: 128,
      height: 128,
      reference_images: [dataUrl(red)],
    });
    expect(gemini.status, gemini.text).toBe(200);
    const webp = await sharp(await solidPng(64, 64, '#00ff00'))
      .webp()
      .toBuffer();
    const flash = await generate({
      model: 'google/flash-image-2.5',
      prompt: 'p',
      width: 128,
      height: 128,
      reference_images: [dataUrl(webp, 'image/webp')],
    });
    expect(flash.status, flash.text).toBe(200);
  });

  it('refuses inputs the model does not take, too many, undecodable, remote, and what Google models refuse', async () => {
    const notImage = `data:image/png;base64,${Buffer.from('not an image').toString('base64')}`;
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, RegExp?]> = [
      [
        { model: KONTEXT, reference_images: [dataUrl(red)] },
        { param: 'reference_images', code: 'unsupported_parameter' },
        /'image_url'/,
      ],
      [
        { model: FLUX2_DEV, image_url: dataUrl(red) },
        { param: 'image_url', code: 'unsupported_parameter' },
        /'reference_images'/,
      ],
      [
        { model: 'black-forest-labs/FLUX.1-schnell', image_url: dataUrl(red) },
        { param: 'image_url', code: 'unsupported_parameter' },
        /takes no input images.*FLUX\.1-kontext-pro/,
      ],
      [{ model: 'google/imagen-4.0-preview', reference_images: [dataUrl(red)] }, { param: 'reference_images' }],
      [{ model: 'Qwen/Qwen-Image', image_url: dataUrl(red) }, { param: 'image_url' }],
      [
        { model: FLUX2_DEV, reference_images: Array.from({ length: 7 }, () => dataUrl(red)) },
        { param: 'reference_images', code: 'array_above_max_length' },
        /at most 6 input images, but got 7/,
      ],
      [
        { model: GEMINI, reference_images: Array.from({ length: 9 }, () => dataUrl(red)) },
        { param: 'reference_images', code: 'array_above_max_length' },
      ],
      [
        { model: FLUX2_PRO, image_url: dataUrl(red), reference_images: Array.from({ length: 8 }, () => dataUrl(red)) },
        { param: 'reference_images', code: 'array_above_max_length' },
      ],
      [
        { model: KONTEXT, image_url: notImage },
        { param: 'image_url', code: 'invalid_image_format' },
      ],
      [
        { model: FLUX2_DEV, reference_images: [dataUrl(red), notImage] },
        { param: 'reference_images[1]', code: 'invalid_image_format' },
      ],
      [
        { model: KONTEXT, image_url: 'data:no-comma' },
        { param: 'image_url', code: 'invalid_value' },
        /not a valid data: URL/,
      ],
      [
        { model: KONTEXT, image_url: 'https://example.com/cat.png' },
        { param: 'image_url', code: 'invalid_image_url' },
        /fetches no images from the network/,
      ],
      [
        { model: FLUX2_DEV, reference_images: [`${sandbox.url}/files/nothing.png`] },
        { param: 'reference_images[0]', code: 'invalid_image_url' },
      ],
      [
        { model: GEMINI, seed: 42 },
        { param: 'seed', code: 'unsupported_parameter' },
        /^Unsupported use of 'seed' parameter$/,
      ],
      [{ model: 'google/imagen-4.0-preview', seed: 1 }, { param: 'seed' }],
      [
        { model: GEMINI, n: 2 },
        { param: 'n', code: 'integer_above_max_value' },
      ],
      [
        { model: KONTEXT, image_url: 42 },
        { param: 'image_url', code: 'invalid_type' },
      ],
    ];
    for (const [body, error, message] of cases) {
      const res = await generate({ prompt: 'p', width: 128, height: 128, ...body });
      expect(res.status, res.text).toBe(400);
      expect(res.json.error, res.text).toMatchObject({ type: 'invalid_request_error', ...error });
      if (message) expect(res.json.error.message).toMatch(message);
    }
    expect(sandbox.stats.imagesRendered).toBe(0);
  });

  it('reports each model’s edit inputs and limits in the model list', async () => {
    const res = await getJson(`${sandbox.urls.together}/models`, AUTH);
    expect(res.status).toBe(200);
    type Listed = { id: string; organization: string; pictor: Record<string, unknown> };
    const byId = new Map<string, Listed>((res.json as Listed[]).map((m) => [m.id, m]));
    for (const id of [
      'black-forest-labs/FLUX.2-pro',
      'black-forest-labs/FLUX.2-flex',
      'black-forest-labs/FLUX.2-dev',
      'black-forest-labs/FLUX.2-max',
      KONTEXT,
      'black-forest-labs/FLUX.1-kontext-max',
      GEMINI,
      'google/flash-image-2.5',
      'google/imagen-4.0-preview',
      'ByteDance-Seed/Seedream-4.0',
      'Qwen/Qwen-Image',
    ]) {
      expect(byId.get(id), id).toMatchObject({ type: 'image', pictor: { endpoints: ['generations'] } });
    }
    expect(byId.get(KONTEXT)!.pictor).toMatchObject({ editInputs: ['image_url'], maxInputImages: 1 });
    expect(byId.get(FLUX2_PRO)!.pictor).toMatchObject({
      editInputs: ['image_url', 'reference_images'],
      maxInputImages: 8,
      maxImagesPerCall: 4,
    });
    expect(byId.get(FLUX2_DEV)!.pictor).toMatchObject({ editInputs: ['reference_images'], maxInputImages: 6 });
    expect(byId.get(GEMINI)).toMatchObject({
      organization: 'Google',
      pictor: { editInputs: ['reference_images'], maxInputImages: 8, maxImagesPerCall: 1, unsupportedParams: ['seed'] },
    });
    for (const id of ['black-forest-labs/FLUX.1-schnell', 'google/imagen-4.0-preview', 'Qwen/Qwen-Image']) {
      expect(byId.get(id)!.pictor, id).toMatchObject({ editInputs: [], maxInputImages: 0 });
    }
    // The OpenAI stand-in's list is unchanged: its edits have their own endpoint.
    const openai = await getJson(`${sandbox.urls.openai}/models/gpt-image-1`, AUTH);
    expect(openai.json.pictor).toMatchObject({ endpoints: ['generations', 'edits'], maxInputImages: 16 });
    expect(openai.json.pictor.editInputs).toBeUndefined();
  });
});
