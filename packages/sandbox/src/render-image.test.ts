import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderImage, renderPixels, type RenderSpec } from './render-image.js';

const base: RenderSpec = {
  prompt: 'A sunset over mountains',
  seed: 42,
  index: 0,
  width: 256,
  height: 192,
  format: 'png',
};

/** Mean absolute difference of two equally sized RGB renders, 0–255. */
function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('renderImage', () => {
  it('gives identical bytes for the same prompt, seed, index and size', async () => {
    const [a, b] = await Promise.all([renderImage(base), renderImage({ ...base })]);
    expect(a.equals(b)).toBe(true);
  });

  it('draws visibly different pictures for different prompts', () => {
    const a = renderPixels(base).data;
    const b = renderPixels({ ...base, prompt: 'cat floating in space, cinematic' }).data;
    expect(meanDifference(a, b)).toBeGreaterThan(25);
  });

  it('varies the picture with the seed and the index', () => {
    const a = renderPixels(base).data;
    expect(meanDifference(a, renderPixels({ ...base, seed: 43 }).data)).toBeGreaterThan(3);
    expect(meanDifference(a, renderPixels({ ...base, index: 1 }).data)).toBeGreaterThan(3);
  });

  it('is procedural art, not a flat colour', async () => {
    const stats = await sharp(await renderImage(base)).stats();
    for (const channel of stats.channels.slice(0, 3)) expect(channel.stdev).toBeGreaterThan(8);
    const { data } = renderPixels(base);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 3) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    expect(colours.size).toBeGreaterThan(500);
  });

  it.each(['png', 'jpeg', 'webp'] as const)('encodes %s at the requested width and height', async (format) => {
    const bytes = await renderImage({ ...base, format, width: 320, height: 200 });
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format, width: 320, height: 200 });
  });

  it('paints large pictures at a bounded size and scales them to the exact request', async () => {
    const bytes = await renderImage({ ...base, width: 2000, height: 1000, format: 'jpeg' });
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 2000, height: 1000 });
    expect((await renderImage({ ...base, width: 2000, height: 1000, format: 'jpeg' })).equals(bytes)).toBe(true);
  });

  it('keeps a transparent background when asked (PNG)', async () => {
    const bytes = await renderImage({ ...base, transparent: true });
    const meta = await sharp(bytes).metadata();
    expect(meta.hasAlpha).toBe(true);
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    let transparentPixels = 0;
    for (let i = 3; i < data.length; i += info.channels) if (data[i] === 0) transparentPixels++;
    expect(transparentPixels).toBeGreaterThan(0);
  });
});
