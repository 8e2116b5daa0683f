import { describe, expect, it } from 'vitest';
import { buildGenerationJob, openAiShapedJob, type GenerationJob } from './generation-request.js';
import type { ApiError } from './provider-envelopes.js';
import type { ProviderName } from './providers.js';
import { SpecValidator } from './spec-validator.js';

const validator = new SpecValidator();

function job(provider: ProviderName, body: unknown): GenerationJob {
  const result = buildGenerationJob(provider, body, validator);
  if ('status' in result) throw new Error(`expected a job, got ${result.status} ${result.message}`);
  return result;
}

function error(provider: ProviderName, body: unknown): ApiError {
  const result = buildGenerationJob(provider, body, validator);
  if (!('status' in result)) throw new Error('expected an error');
  return result;
}

const FLUX = 'black-forest-labs/FLUX.1-schnell';

describe('Together requests', () => {
  it('defaults to 1024×1024 JPEG, one image, URL response', () => {
    expect(job('together', { model: FLUX, prompt: 'p' })).toMatchObject({
      width: 1024,
      height: 1024,
      format: 'jpeg',
      n: 1,
      responseFormat: 'url',
    });
    expect(
      job('together', {
        model: FLUX,
        prompt: 'p',
        response_format: 'base64',
        output_format: 'png',
        width: 768,
        height: 1344,
      }),
    ).toMatchObject({ responseFormat: 'b64_json', format: 'png', width: 768, height: 1344 });
  });

  it('enforces the seed reference limits: n 1–4 and steps 1–50', () => {
    expect(error('together', { model: FLUX, prompt: 'p', n: 5 })).toMatchObject({
      status: 400,
      param: 'n',
      code: 'integer_above_max_value',
    });
    expect(error('together', { model: FLUX, prompt: 'p', n: 0 })).toMatchObject({ status: 400, param: 'n' });
    expect(error('together', { model: FLUX, prompt: 'p', steps: 51 })).toMatchObject({ param: 'steps' });
    expect(error('together', { model: FLUX, prompt: 'p', steps: 0 })).toMatchObject({ param: 'steps' });
    expect(job('together', { model: FLUX, prompt: 'p', n: 4, steps: 50 }).n).toBe(4);
  });

  it('rejects an unknown model as Together does (404 model_not_available)', () => {
    expect(error('together', { model: 'acme/painter', prompt: 'p' })).toMatchObject({
      status: 404,
      code: 'model_not_available',
    });
  });

  it('uses the seed when given and a random one otherwise', () => {
    expect(job('together', { model: FLUX, prompt: 'p', seed: 7 }).seed).toBe(7);
    const seeds = new Set(Array.from({ length: 5 }, () => job('together', { model: FLUX, prompt: 'p' }).seed));
    expect(seeds.size).toBeGreaterThan(1);
  });
});

describe('OpenAI requests', () => {
  it('defaults to dall-e-2, 1024×1024 PNG, URL response', () => {
    expect(job('openai', { prompt: 'p' })).toMatchObject({
      width: 1024,
      height: 1024,
      format: 'png',
      responseFormat: 'url',
    });
    expect(job('openai', { prompt: 'p' }).model.id).toBe('dall-e-2');
  });

  it('takes on each endpoint the models its spec lists, with the default it names', () => {
    const latest = error('openai', { prompt: 'p', model: 'chatgpt-image-latest' });
    expect(latest).toMatchObject({ status: 400, param: 'model', code: 'invalid_value' });
    const supported = latest.message.split('Supported values are:')[1];
    expect(supported).toContain("'gpt-image-2'");
    expect(supported).not.toContain("'chatgpt-image-latest'");
    const edit = openAiShapedJob('openai', { prompt: 'p' }, 'edits');
    expect('status' in edit ? edit : edit.model.id).toBe('gpt-image-1.5');
    expect(openAiShapedJob('openai', { prompt: 'p', model: 'dall-e-3' }, 'edits')).toMatchObject({
      status: 400,
      param: 'model',
    });
    expect(openAiShapedJob('openai', { prompt: 'p', model: 'chatgpt-image-latest' }, 'edits')).toMatchObject({
      endpoint: 'edits',
      inputImages: 0,
    });
  });

  it('defaults to gpt-image-1 when a GPT-image-only parameter is sent', () => {
    expect(job('openai', { prompt: 'p', output_format: 'webp' })).toMatchObject({
      format: 'webp',
      responseFormat: 'b64_json',
    });
    expect(job('openai', { prompt: 'p', output_format: 'webp' }).model.id).toBe('gpt-image-1');
  });

  it('answers GPT image models in base64 and rejects response_format for them', () => {
    expect(job('openai', { prompt: 'p', model: 'gpt-image-1' }).responseFormat).toBe('b64_json');
    expect(error('openai', { prompt: 'p', model: 'gpt-image-1', response_format: 'url' })).toMatchObject({
      status: 400,
      code: 'unknown_parameter',
      param: 'response_format',
    });
  });

  it('allows only n=1 for dall-e-3 and up to 10 for the others', () => {
    expect(error('openai', { prompt: 'p', model: 'dall-e-3', n: 2 })).toMatchObject({
      param: 'n',
      message: expect.stringContaining('<= 1'),
    });
    expect(job('openai', { prompt: 'p', model: 'dall-e-2', n: 10 }).n).toBe(10);
    expect(job('openai', { prompt: 'p', model: 'gpt-image-1-mini', n: 10 }).n).toBe(10);
  });

  it.each([
    ['dall-e-2', '512x512', true],
    ['dall-e-2', '1792x1024', false],
    ['dall-e-3', '1792x1024', true],
    ['dall-e-3', '512x512', false],
    ['gpt-image-1', '1536x1024', true],
    ['gpt-image-1.5', 'auto', true],
    ['gpt-image-1', '1792x1024', false],
    ['gpt-image-2', '1536x864', true],
    ['gpt-image-2', '3840x2160', true],
    ['gpt-image-2', '2160x3840', true],
    ['gpt-image-2', '1000x1000', false],
    ['gpt-image-2', '3072x1008', false],
    ['gpt-image-2', '4096x2160', false],
  ])('%s at %s: accepted %s', (model, size, accepted) => {
    const result = buildGenerationJob('openai', { prompt: 'p', model, size }, validator);
    expect('status' in result).toBe(!accepted);
    if ('status' in result) expect(result).toMatchObject({ status: 400, param: 'size' });
  });

  it('maps size auto to 1024×1024', () => {
    expect(job('openai', { prompt: 'p', model: 'gpt-image-1', size: 'auto' })).toMatchObject({
      width: 1024,
      height: 1024,
    });
  });

  it('lists the supported models when the model is unknown', () => {
    expect(error('openai', { prompt: 'p', model: 'dall-e-4' })).toMatchObject({
      status: 400,
      param: 'model',
      code: 'invalid_value',
      message: expect.stringContaining("'gpt-image-1'"),
    });
  });

  it('phrases spec violations as OpenAI does', () => {
    expect(error('openai', {})).toMatchObject({
      message: "Missing required parameter: 'prompt'.",
      code: 'missing_required_parameter',
    });
    expect(error('openai', { prompt: 'p', n: '2' })).toMatchObject({
      message: "Invalid type for 'n': expected an integer, but got a string instead.",
      code: 'invalid_type',
    });
    expect(error('openai', { prompt: 'p', quality: 'ultra' }).message).toMatch(
      /^Invalid value: 'ultra'\. Supported values are: 'standard', .* and 'auto'\.$/,
    );
  });

  it('checks quality per model and prompt length', () => {
    expect(error('openai', { prompt: 'p', model: 'gpt-image-1', quality: 'hd' })).toMatchObject({ param: 'quality' });
    expect(error('openai', { prompt: 'x'.repeat(1001), model: 'dall-e-2' })).toMatchObject({
      param: 'prompt',
      code: 'string_above_max_length',
    });
  });
});

describe('r9s and AI Stats requests', () => {
  it('accepts the r9s spec example model gpt-4o-mini', () => {
    expect(
      job('r9s', { model: 'gpt-4o-mini', prompt: 'p', n: 1, quality: 'hd', size: '1792x1024', style: 'vivid' }),
    ).toMatchObject({
      width: 1792,
      height: 1024,
      responseFormat: 'url',
    });
  });

  it('rejects what the r9s spec does not list (aspect-ratio sizes)', () => {
    expect(error('r9s', { prompt: 'p', size: '16:9' })).toMatchObject({
      status: 400,
      param: 'size',
      code: 'invalid_value',
    });
  });

  it('requires the AI Stats model and knows its catalogue', () => {
    expect(error('ai-stats', { prompt: 'p' })).toMatchObject({ status: 400, gatewayCode: 'model_required' });
    expect(error('ai-stats', { prompt: 'p', model: 'openai/dall-e-9' })).toMatchObject({
      gatewayCode: 'unsupported_model_or_endpoint',
    });
    expect(job('ai-stats', { prompt: 'p', model: 'black-forest-labs/flux-1-schnell', size: '1344x768' })).toMatchObject(
      { width: 1344, height: 768 },
    );
  });
});
