import { describe, expect, it } from 'vitest';
import { renderKey } from './cached-render.js';

describe('renderKey', () => {
  it('is a fixed-size digest of every input, however long the prompt', () => {
    const spec = { prompt: 'a', seed: 1, index: 0, width: 64, height: 64, format: 'png' as const };
    const long = renderKey({ ...spec, prompt: 'p'.repeat(32_000) });
    expect(long).toHaveLength(44);
    expect(renderKey(spec)).toHaveLength(44);
    const variants = [
      spec,
      { ...spec, seed: 2 },
      { ...spec, index: 1 },
      { ...spec, format: 'jpeg' as const },
      { ...spec, compression: 50 },
      { ...spec, transparent: true },
    ];
    expect(new Set(variants.map(renderKey)).size).toBe(variants.length);
    expect(renderKey({ ...spec })).toBe(renderKey(spec));
  });
});
