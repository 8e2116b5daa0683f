import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { normalizeRequest, type ImageRequest } from './image-request.js';
import { planGeneration } from './plan-generation.js';
import { PROVIDERS } from './providers.js';

const plan = (provider: keyof typeof PROVIDERS, req: ImageRequest) =>
  planGeneration(PROVIDERS[provider], normalizeRequest(req));

describe('planGeneration: Together', () => {
  it('maps every field to its Together name', () => {
    const p = plan('together', {
      prompt: 'a fox',
      model: 'black-forest-labs/FLUX.1-dev',
      aspectRatio: '16:9',
      seed: 7,
      steps: 28,
      guidanceScale: 3.5,
      negativePrompt: 'blur',
      outputFormat: 'png',
      responseFormat: 'url',
      loras: [{ path: 'https://hf.co/x', scale: 1 }],
      referenceImages: ['https://example.com/a.png'],
      imageUrl: 'https://example.com/b.png',
      disableSafetyChecker: true,
    });
    expect(p.warnings).toEqual([]);
    expect(p.calls).toHaveLength(1);
    expect(p.calls[0]!.body).toEqual({
      model: 'black-forest-labs/FLUX.1-dev',
      prompt: 'a fox',
      n: 1,
      width: 1344,
      height: 768,
      seed: 7,
      steps: 28,
      guidance_scale: 3.5,
      negative_prompt: 'blur',
      output_format: 'png',
      response_format: 'url',
      image_loras: [{ path: 'https://hf.co/x', scale: 1 }],
      reference_images: ['https://example.com/a.png'],
      image_url: 'https://example.com/b.png',
      disable_safety_checker: true,
    });
  });

  it('uses the default model and asks for base64 unless told otherwise', () => {
    const body = plan('together', { prompt: 'x' }).calls[0]!.body;
    expect(body).toEqual({ model: 'black-forest-labs/FLUX.1-schnell', prompt: 'x', n: 1, response_format: 'base64' });
  });

  it('splits n above 4 into calls with offset seeds', () => {
    const p = plan('together', { prompt: 'x', n: 10, seed: 100 });
    expect(p.calls.map((c) => [c.firstIndex, c.n, c.seed, c.body.seed, c.body.n])).toEqual([
      [0, 4, 100, 100, 4],
      [4, 4, 104, 104, 4],
      [8, 2, 108, 108, 2],
    ]);
  });

  it('reports OpenAI-only settings as warnings and does not send them', () => {
    const p = plan('together', { prompt: 'x', quality: 'hd', style: 'vivid', user: 'u1' });
    expect(p.warnings.map((w) => w.type === 'unsupported-setting' && w.setting)).toEqual(['quality', 'style', 'user']);
    expect(p.calls[0]!.body).not.toHaveProperty('quality');
    expect(p.calls[0]!.body).not.toHaveProperty('style');
    expect(p.calls[0]!.body).not.toHaveProperty('user');
  });

  it('refuses webp before the network: Together returns jpeg or png', () => {
    expect(() => plan('together', { prompt: 'x', outputFormat: 'webp' })).toThrow(ValidationError);
    expect(() => plan('together', { prompt: 'x', outputFormat: 'webp' })).toThrow(/outputFormat/);
  });

  it('merges providerOptions last', () => {
    const body = plan('together', { prompt: 'x', steps: 4, providerOptions: { steps: 8, extra: true } }).calls[0]!.body;
    expect(body).toMatchObject({ steps: 8, extra: true });
  });
});

describe('planGeneration: OpenAI-shaped', () => {
  it('maps gpt-image settings and does not send response_format to gpt-image models', () => {
    const p = plan('openai', {
      prompt: 'x',
      model: 'gpt-image-1',
      size: '1536x1024',
      quality: 'high',
      outputFormat: 'webp',
      outputCompression: 80,
      background: 'transparent',
      moderation: 'low',
      user: 'u',
      responseFormat: 'url',
      seed: 3,
      negativePrompt: 'y',
    });
    expect(p.calls[0]!.body).toEqual({
      model: 'gpt-image-1',
      prompt: 'x',
      n: 1,
      size: '1536x1024',
      quality: 'high',
      output_format: 'webp',
      output_compression: 80,
      background: 'transparent',
      moderation: 'low',
      user: 'u',
    });
    expect(p.warnings.map((w) => w.type === 'unsupported-setting' && w.setting).sort()).toEqual([
      'negativePrompt',
      'responseFormat',
      'seed',
    ]);
  });

  it('asks dall-e for b64_json by default and batches dall-e-3 one image per call', () => {
    const p = plan('openai', { prompt: 'x', model: 'dall-e-3', n: 3, style: 'natural', quality: 'hd' });
    expect(p.calls).toHaveLength(3);
    expect(p.calls[0]!.body).toEqual({
      model: 'dall-e-3',
      prompt: 'x',
      n: 1,
      response_format: 'b64_json',
      quality: 'hd',
      style: 'natural',
    });
  });

  it('caps gpt-image and dall-e-2 at 10 per call', () => {
    expect(plan('openai', { prompt: 'x', model: 'dall-e-2', n: 25 }).calls.map((c) => c.n)).toEqual([10, 10, 5]);
    expect(plan('openai', { prompt: 'x', n: 12 }).calls.map((c) => c.n)).toEqual([10, 2]);
  });

  it('checks sizes against the model before the network', () => {
    expect(() => plan('openai', { prompt: 'x', model: 'dall-e-3', size: '512x512' })).toThrow(
      /size: 512x512 for dall-e-3/,
    );
    expect(() => plan('openai', { prompt: 'x', model: 'dall-e-2', size: '512x512' })).not.toThrow();
    expect(() => plan('openai', { prompt: 'x', model: 'gpt-image-2', size: '1536x864' })).not.toThrow();
    expect(() => plan('openai', { prompt: 'x', model: 'gpt-image-2', size: '1000x1000' })).toThrow(/divisible by 16/);
    expect(() => plan('openai', { prompt: 'x', model: 'gpt-image-2', size: '3200x800' })).toThrow(/1:3 and 3:1/);
    expect(() => plan('r9s', { prompt: 'x', model: 'some-model', aspectRatio: '16:9' })).toThrow(/size/);
    expect(() => plan('openai', { prompt: 'x', model: 'dall-e-3', quality: 'low' })).toThrow(/quality/);
  });

  it('sends only what the AI Stats spec documents', () => {
    const p = plan('ai-stats', { prompt: 'x', outputFormat: 'png', background: 'opaque', size: '1024x1024' });
    expect(p.calls[0]!.body).toEqual({ model: 'openai/gpt-image-1', prompt: 'x', n: 1, size: '1024x1024' });
    expect(p.warnings.map((w) => w.type === 'unsupported-setting' && w.setting)).toEqual([
      'outputFormat',
      'background',
    ]);
  });

  it('sends size auto where the model understands it and warns where it does not', () => {
    expect(plan('openai', { prompt: 'x', size: 'auto' }).calls[0]!.body.size).toBe('auto');
    const t = plan('together', { prompt: 'x', size: 'auto' });
    expect(t.calls[0]!.body).not.toHaveProperty('width');
    expect(t.warnings[0]).toMatchObject({ type: 'unsupported-setting', setting: 'size' });
  });

  it('needs a model for a custom provider without a default', () => {
    expect(() => planGeneration(PROVIDERS.custom, normalizeRequest({ prompt: 'x' }))).toThrow(/model: is required/);
  });
});
