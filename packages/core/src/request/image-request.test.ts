import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS } from './aspect-ratios.js';
import { ValidationError } from '../errors/index.js';
import { normalizeRequest } from './image-request.js';

function fieldsOf(input: unknown): string[] {
  try {
    normalizeRequest(input);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return (error as ValidationError).fields;
  }
  throw new Error('expected a ValidationError');
}

describe('normalizeRequest', () => {
  it('resolves the seed table of aspect ratios to pixels', () => {
    expect(ASPECT_RATIOS['16:9']).toEqual({ width: 1344, height: 768 });
    expect(ASPECT_RATIOS['9:16']).toEqual({ width: 768, height: 1344 });
    expect(ASPECT_RATIOS['3:2']).toEqual({ width: 1248, height: 832 });
    expect(ASPECT_RATIOS['4:3']).toEqual({ width: 1184, height: 864 });
    expect(ASPECT_RATIOS['3:4']).toEqual({ width: 864, height: 1184 });
    const r = normalizeRequest({ prompt: 'x', aspectRatio: '3:2' });
    expect([r.width, r.height, r.aspectRatio]).toEqual([1248, 832, '3:2']);
  });

  it('reads size as WxH, width+height as given, and auto', () => {
    expect(normalizeRequest({ prompt: 'x', size: '512x768' })).toMatchObject({ width: 512, height: 768 });
    expect(normalizeRequest({ prompt: 'x', width: 640, height: 480 })).toMatchObject({ width: 640, height: 480 });
    expect(normalizeRequest({ prompt: 'x', size: 'auto' })).toMatchObject({ autoSize: true });
    expect(normalizeRequest({ prompt: 'x' }).n).toBe(1);
  });

  it('names every bad field at once', () => {
    const fields = fieldsOf({
      prompt: '',
      n: 0,
      steps: 51,
      seed: -1,
      outputFormat: 'gif',
      responseFormat: 'b64',
      loras: [{ path: 'x', scale: 'strong' }],
      imageUrl: 'not a url',
      outputCompression: 101,
    });
    expect(fields).toEqual(
      expect.arrayContaining([
        'prompt',
        'n',
        'steps',
        'seed',
        'outputFormat',
        'responseFormat',
        'loras.0.scale',
        'imageUrl',
        'outputCompression',
      ]),
    );
  });

  it('refuses two ways of giving the size, half a size, bad sizes and unknown fields', () => {
    expect(fieldsOf({ prompt: 'x', size: '1024x1024', aspectRatio: '1:1' })).toContain('size');
    expect(fieldsOf({ prompt: 'x', width: 512 })).toContain('height');
    expect(fieldsOf({ prompt: 'x', size: 'big' })).toContain('size');
    expect(fieldsOf({ prompt: 'x', size: '10x10' })).toContain('size');
    expect(fieldsOf({ prompt: 'x', aspectRatio: '5:4' })).toContain('aspectRatio');
    expect(fieldsOf({ prompt: 'x', negative_prompt: 'y' })).toContain('negative_prompt');
  });

  it('says what is wrong in the message', () => {
    expect(() => normalizeRequest({ prompt: 'x', steps: 0 })).toThrow(/steps: /);
  });
});
