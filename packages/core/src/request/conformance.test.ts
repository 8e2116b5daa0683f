import { describe, expect, it } from 'vitest';
import { requestValidator } from '../__fixtures__/spec-validator.js';
import { normalizeRequest, type ImageRequest } from './image-request.js';
import { planGeneration } from './plan-generation.js';
import { PROVIDERS, type ProviderName } from './providers.js';

const FULL: ImageRequest = {
  prompt: 'a lighthouse at dusk',
  n: 2,
  size: '1024x1024',
  seed: 42,
  steps: 20,
  guidanceScale: 4,
  negativePrompt: 'fog',
  outputFormat: 'png',
  responseFormat: 'base64',
  loras: [{ path: 'https://huggingface.co/some/lora', scale: 0.8 }],
  referenceImages: ['https://example.com/ref.png'],
  imageUrl: 'https://example.com/edit.png',
  disableSafetyChecker: true,
  quality: 'auto',
  background: 'auto',
  moderation: 'auto',
  outputCompression: 90,
  user: 'user-1',
};

const cases: Array<{ provider: ProviderName; spec: 'together' | 'openai' | 'r9s' | 'ai-stats'; models: string[] }> = [
  {
    provider: 'together',
    spec: 'together',
    models: ['black-forest-labs/FLUX.1-schnell', 'black-forest-labs/FLUX.1-kontext-pro'],
  },
  { provider: 'openai', spec: 'openai', models: ['gpt-image-1', 'dall-e-2', 'dall-e-3'] },
  { provider: 'r9s', spec: 'r9s', models: ['gpt-image-1', 'dall-e-3'] },
  { provider: 'ai-stats', spec: 'ai-stats', models: ['openai/gpt-image-1', 'black-forest-labs/flux-1-schnell'] },
];

describe('bodies the client sends pass the official spec of their dialect', () => {
  for (const { provider, spec, models } of cases) {
    const validate = requestValidator(spec);
    for (const model of models) {
      it(`${provider} ${model}: a minimal and a full request`, () => {
        const minimal = planGeneration(PROVIDERS[provider], normalizeRequest({ prompt: 'x', model }));
        expect(validate(minimal.calls[0]!.body)).toEqual([]);
        const full: ImageRequest = { ...FULL, model };
        if (model === 'dall-e-3') Object.assign(full, { n: 1, quality: 'hd', style: 'vivid' });
        if (model === 'dall-e-2') Object.assign(full, { quality: 'standard' });
        const plan = planGeneration(PROVIDERS[provider], normalizeRequest(full));
        for (const call of plan.calls) expect(validate(call.body)).toEqual([]);
      });
    }
  }

  it('the validator itself rejects what the spec forbids (it can fail)', () => {
    expect(requestValidator('together')({ prompt: 'x' })).not.toEqual([]);
    expect(requestValidator('together')({ prompt: 'x', model: 'm', response_format: 'png' })).not.toEqual([]);
    expect(requestValidator('openai')({ prompt: 'x', n: 11 })).not.toEqual([]);
    expect(requestValidator('r9s')({ prompt: 'x', size: '1344x768' })).not.toEqual([]);
    expect(requestValidator('ai-stats')({ prompt: 'x' })).not.toEqual([]);
  });
});
