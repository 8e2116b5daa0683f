import { describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { ValidationError } from '../errors/index.js';
import { readInputImages } from '../images/input-images.js';
import { splitEditRequest, type EditRequest } from './edit-request.js';
import { normalizeRequest } from './image-request.js';
import { planGeneration } from './plan-generation.js';
import { PROVIDERS, type ProviderName } from './providers.js';

// How an edit and a stream are planned for each model: what goes on the wire, and what is refused before it.

const PNG = makePng(64, 64, 1);
const WIDE = makePng(96, 64, 2);

function plan(provider: ProviderName, request: EditRequest) {
  const split = splitEditRequest(request);
  const inputs = readInputImages(split.images, split.mask);
  return planGeneration(PROVIDERS[provider], split.request, inputs);
}

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('edits on the OpenAI dialect', () => {
  it('uploads bytes as a multipart form: one image as `image`, several as `image[]`, then the mask', () => {
    const one = plan('openai', { model: 'gpt-image-1.5', prompt: 'red', images: [PNG] });
    expect(one.calls[0]).toMatchObject({
      path: '/images/edits',
      body: { model: 'gpt-image-1.5', prompt: 'red', n: 1 },
    });
    expect(one.calls[0]!.files!.map((f) => f.field)).toEqual(['image']);

    const two = plan('openai', {
      model: 'gpt-image-2',
      prompt: 'red',
      images: [{ bytes: PNG, name: 'a.png' }, PNG],
      mask: makePng(64, 64, 9),
      inputFidelity: 'high',
      quality: 'low',
    });
    const call = two.calls[0]!;
    expect(call.files!.map((f) => [f.field, f.name, f.mediaType])).toEqual([
      ['image[]', 'a.png', 'image/png'],
      ['image[]', 'image-1', 'image/png'],
      ['mask', 'mask', 'image/png'],
    ]);
    expect(call.body).toMatchObject({ input_fidelity: 'high', quality: 'low' });
    expect(call.body).not.toHaveProperty('images');
  });

  it('sends URL inputs in the JSON body, bytes beside them as data: URLs, and takes moderation there only', () => {
    const p = plan('openai', {
      model: 'gpt-image-1',
      prompt: 'red',
      images: [{ url: 'https://img.example/a.png' }, PNG],
      moderation: 'low',
    });
    const call = p.calls[0]!;
    expect(call.files).toBeUndefined();
    expect(call.body.images).toEqual([
      { image_url: 'https://img.example/a.png' },
      { image_url: `data:image/png;base64,${PNG.toString('base64')}` },
    ]);
    expect(call.body.moderation).toBe('low');

    const form = plan('openai', { model: 'gpt-image-1', prompt: 'red', images: [PNG], moderation: 'low' });
    expect(form.calls[0]!.body).not.toHaveProperty('moderation');
    expect(form.warnings).toContainEqual(expect.objectContaining({ setting: 'moderation' }));
  });

  it('refuses a custom size in the JSON body, whose size is a closed list, but takes it in a form for gpt-image-2', () => {
    const error = refusal(() =>
      plan('openai', {
        model: 'gpt-image-2',
        prompt: 'p',
        images: [{ url: 'https://a.example/x.png' }],
        size: '1536x864',
      }),
    );
    expect(error.fields).toEqual(['size']);
    expect(
      plan('openai', { model: 'gpt-image-2', prompt: 'p', images: [PNG], size: '1536x864' }).calls[0]!.body.size,
    ).toBe('1536x864');
  });

  it('refuses what a model cannot take, naming each field, before anything is sent', () => {
    expect(refusal(() => plan('openai', { model: 'dall-e-3', prompt: 'p', images: [PNG] })).issues).toEqual([
      { field: 'model', message: 'dall-e-3 does not edit images on OpenAI' },
    ]);
    const dalle2 = refusal(() =>
      plan('openai', { model: 'dall-e-2', prompt: 'p', images: [WIDE, PNG], mask: makePng(32, 32) }),
    );
    expect(dalle2.fields).toEqual(['images', 'images.0', 'mask']);
    expect(dalle2.message).toMatch(/square/);
    const byUrl = refusal(() =>
      plan('openai', { model: 'dall-e-2', prompt: 'p', images: [{ url: 'https://a.example/x.png' }] }),
    );
    expect(byUrl.issues[0]).toMatchObject({
      field: 'images.0',
      message: expect.stringMatching(/uploaded images only/),
    });
    const mask = refusal(() => plan('openai', { model: 'gpt-image-1', prompt: 'p', images: [PNG], mask: WIDE }));
    expect(mask.issues).toEqual([
      { field: 'mask', message: 'is 96x64; it must be the size of the first image (64x64)' },
    ]);
    const many = refusal(() => plan('openai', { model: 'gpt-image-1', prompt: 'p', images: Array(17).fill(PNG) }));
    expect(many.issues).toEqual([{ field: 'images', message: 'takes at most 16 images; got 17' }]);
  });

  it('warns about input fidelity on gpt-image-1-mini and sends none', () => {
    const p = plan('openai', { model: 'gpt-image-1-mini', prompt: 'p', images: [PNG], inputFidelity: 'high' });
    expect(p.calls[0]!.body).not.toHaveProperty('input_fidelity');
    expect(p.warnings).toContainEqual(expect.objectContaining({ setting: 'inputFidelity' }));
  });

  it('edits with the edit default (gpt-image-2) when no model is named, and not at all on r9s or AI Stats', () => {
    expect(plan('openai', { prompt: 'p', images: [PNG] }).model).toBe('gpt-image-2');
    expect(refusal(() => plan('r9s', { model: 'gpt-image-1', prompt: 'p', images: [PNG] })).message).toMatch(
      /r9s's API has no image edits/,
    );
    expect(refusal(() => plan('ai-stats', { model: 'openai/gpt-image-1', prompt: 'p', images: [PNG] })).fields).toEqual(
      ['model'],
    );
  });
});

describe('edits on the Together dialect', () => {
  it('sends one image to Kontext as image_url, inline as a data: URL', () => {
    const p = plan('together', { model: 'black-forest-labs/FLUX.1-kontext-pro', prompt: 'p', images: [PNG] });
    const call = p.calls[0]!;
    expect(call.path).toBe('/images/generations');
    expect(call.files).toBeUndefined();
    expect(call.body.image_url).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(p.warnings).toEqual([]);
    expect(
      refusal(() =>
        plan('together', { model: 'black-forest-labs/FLUX.1-kontext-max', prompt: 'p', images: [PNG, PNG] }),
      ).issues,
    ).toEqual([{ field: 'images', message: 'black-forest-labs/FLUX.1-kontext-max takes at most 1; got 2' }]);
  });

  it('sends several images as reference_images, and warns that bytes went inline there', () => {
    const p = plan('together', {
      model: 'black-forest-labs/FLUX.2-pro',
      prompt: 'p',
      images: [{ url: 'https://img.example/a.png' }, PNG],
    });
    expect(p.calls[0]!.body.reference_images).toEqual([
      'https://img.example/a.png',
      `data:image/png;base64,${PNG.toString('base64')}`,
    ]);
    expect(p.warnings).toContainEqual(
      expect.objectContaining({ type: 'other', message: expect.stringMatching(/inline/) }),
    );
    const dev = plan('together', {
      model: 'black-forest-labs/FLUX.2-dev',
      prompt: 'p',
      images: [{ url: 'https://a.example/x.png' }],
    });
    expect(dev.calls[0]!.body).toMatchObject({ reference_images: ['https://a.example/x.png'] });
    expect(dev.calls[0]!.body).not.toHaveProperty('image_url');
  });

  it('uses FLUX.2 [pro] when no model is named, and refuses a mask and models that do not edit', () => {
    expect(plan('together', { prompt: 'p', images: [PNG] }).model).toBe('black-forest-labs/FLUX.2-pro');
    expect(refusal(() => plan('together', { prompt: 'p', images: [PNG], mask: PNG })).issues).toEqual([
      { field: 'mask', message: 'black-forest-labs/FLUX.2-pro takes no mask' },
    ]);
    expect(
      refusal(() => plan('together', { model: 'black-forest-labs/FLUX.1-schnell', prompt: 'p', images: [PNG] })).fields,
    ).toEqual(['model']);
  });

  it("sends Google's models neither n nor seed, one image a call", () => {
    const p = plan('together', { model: 'google/gemini-3-pro-image', prompt: 'p', images: [PNG], n: 2, seed: 5 });
    expect(p.calls).toHaveLength(2);
    for (const call of p.calls) {
      expect(call.body).not.toHaveProperty('n');
      expect(call.body).not.toHaveProperty('seed');
    }
    expect(p.warnings).toContainEqual(expect.objectContaining({ setting: 'seed' }));
  });
});

describe('input checks', () => {
  it('names each input that is not an image, and takes data: URLs as bytes', () => {
    const error = refusal(() =>
      plan('openai', { prompt: 'p', images: [PNG, Buffer.from('GIF8 no'), { url: 'data:image/png;base64,@@' }] }),
    );
    expect(error.fields).toEqual(['images.1', 'images.2']);
    const p = plan('openai', { prompt: 'p', images: [{ url: `data:image/png;base64,${PNG.toString('base64')}` }] });
    expect(Buffer.from(p.calls[0]!.files![0]!.bytes).equals(PNG)).toBe(true);
  });

  it('refuses bad shapes, paths without the Node entry, and input fields an edit does not take', () => {
    const error = refusal(() =>
      plan('openai', {
        prompt: 'p',
        images: [{ url: 'ftp://x' }, { path: 'a.png' }, new Uint8Array(0)],
        imageUrl: 'https://a.example/x.png',
      } as EditRequest),
    );
    expect(error.fields).toEqual(['images.0', 'images.2', 'imageUrl']);
    expect(refusal(() => plan('openai', { prompt: 'p', images: [{ path: 'a.png' }] })).issues[0]!.message).toMatch(
      /Node entry/,
    );
    expect(refusal(() => plan('openai', { prompt: 'p', images: [] })).fields).toEqual(['images']);
  });
});

describe('streaming', () => {
  it('asks each streamed image in a call of its own, with stream and partial_images', () => {
    const p = planGeneration(
      PROVIDERS.openai,
      normalizeRequest({ model: 'gpt-image-1.5', prompt: 'p', n: 3, partialImages: 2 }),
    );
    expect(p.calls.map((c) => [c.n, c.stream, c.body.stream, c.body.partial_images])).toEqual([
      [1, true, true, 2],
      [1, true, true, 2],
      [1, true, true, 2],
    ]);
    expect(p.calls.map((c) => c.firstIndex)).toEqual([0, 1, 2]);
  });

  it('warns and makes a normal call where the model does not stream', () => {
    for (const [provider, model] of [
      ['openai', 'dall-e-3'],
      ['together', 'black-forest-labs/FLUX.1-schnell'],
      ['ai-stats', 'openai/gpt-image-1'],
    ] as const) {
      const p = planGeneration(
        PROVIDERS[provider],
        normalizeRequest({ model, prompt: 'p', stream: true, partialImages: 1 }),
      );
      expect(p.calls[0]!.stream).toBe(false);
      expect(p.calls[0]!.body).not.toHaveProperty('stream');
      expect(p.warnings.map((w) => (w.type === 'unsupported-setting' ? w.setting : ''))).toEqual(
        expect.arrayContaining(['stream', 'partialImages']),
      );
    }
  });

  it('refuses partial images out of range, or with stream: false', () => {
    expect(() => normalizeRequest({ prompt: 'p', partialImages: 4 })).toThrow(/partialImages/);
    expect(() => normalizeRequest({ prompt: 'p', stream: false, partialImages: 1 })).toThrow(
      /partialImages: needs stream/,
    );
  });
});
