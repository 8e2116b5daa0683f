import { ASPECT_RATIO_NAMES, ASPECT_RATIOS, type AspectRatio } from '@pictor/core/kernel';
import type { INodePropertyOptions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { fakeExecuteFunctions } from '../../../../test/fake-execute-functions';
import { generateProperties } from './generate.description';
import { readGenerateRequest, type GenerateOptions } from './generate-request';

const credentials = { provider: 'together' as const, apiKey: 'unused' };

function read(parameters: Record<string, unknown>) {
  const ctx = fakeExecuteFunctions({ credentials, parameters });
  return readGenerateRequest(ctx, 0, (parameters.options ?? {}) as GenerateOptions);
}

describe('readGenerateRequest', () => {
  it('leaves out every field still at its "model default" value', () => {
    expect(read({ prompt: 'a cat', size: 'default', outputFormat: 'default' })).toEqual({
      prompt: 'a cat',
      n: 1,
      model: undefined,
      steps: undefined,
      seed: undefined,
      guidanceScale: undefined,
      negativePrompt: undefined,
      outputFormat: undefined,
      loras: undefined,
      referenceImages: undefined,
      imageUrl: undefined,
      disableSafetyChecker: undefined,
      quality: undefined,
      style: undefined,
      background: undefined,
    });
  });

  it('reads every field and option into core request fields', () => {
    const request = read({
      model: { mode: 'list', value: ' black-forest-labs/FLUX.1-kontext-pro ' },
      prompt: 'make the shirt blue',
      numberOfImages: 3,
      size: '9:16',
      steps: 28,
      seed: 0,
      negativePrompt: ' blurry ',
      guidanceScale: 3.5,
      outputFormat: 'jpeg',
      options: {
        loras: {
          lora: [
            { path: 'https://example.com/lora', scale: 0.8 },
            { path: ' ', scale: 1 },
          ],
        },
        referenceImages: ['https://example.com/a.png', ' '],
        imageUrl: 'https://example.com/photo.jpg',
        disableSafetyChecker: true,
        quality: 'high',
        style: 'vivid',
        background: 'transparent',
      },
    });

    expect(request).toEqual({
      model: 'black-forest-labs/FLUX.1-kontext-pro',
      prompt: 'make the shirt blue',
      n: 3,
      aspectRatio: '9:16',
      steps: 28,
      seed: 0,
      negativePrompt: 'blurry',
      guidanceScale: 3.5,
      outputFormat: 'jpeg',
      loras: [{ path: 'https://example.com/lora', scale: 0.8 }],
      referenceImages: ['https://example.com/a.png'],
      imageUrl: 'https://example.com/photo.jpg',
      disableSafetyChecker: true,
      quality: 'high',
      style: 'vivid',
      background: 'transparent',
    });
  });

  it('sends a custom size as width and height', () => {
    expect(read({ prompt: 'x', size: 'custom', width: 640, height: 480 })).toMatchObject({ width: 640, height: 480 });
    expect(read({ prompt: 'x', size: 'custom', width: 640, height: 480 }).aspectRatio).toBeUndefined();
  });
});

describe('Size presets', () => {
  it("offer exactly core's aspect ratios, labelled with the pixel sizes core sends", () => {
    const size = generateProperties.find((p) => p.name === 'size');
    const presets = (size?.options as INodePropertyOptions[]).filter(
      (o) => o.value !== 'custom' && o.value !== 'default',
    );

    expect(presets.map((o) => o.value).sort()).toEqual([...ASPECT_RATIO_NAMES].sort());
    for (const option of presets) {
      const { width, height } = ASPECT_RATIOS[option.value as AspectRatio];
      expect(option.name).toBe(`${String(option.value)} (${width}x${height})`);
    }
  });
});
