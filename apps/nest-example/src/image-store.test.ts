import { GeneratedImage } from '@pictor/core';
import { expect, it } from 'vitest';
import { ImageStore } from './image-store.js';

function image(bytes: number): GeneratedImage {
  return new GeneratedImage({
    index: 0,
    bytes: Buffer.alloc(bytes),
    mediaType: 'image/png',
    extension: 'png',
    width: 1,
    height: 1,
    sha256: '',
  });
}

it('drops the least recently used images once their bytes pass the budget', () => {
  const store = new ImageStore(300);
  const a = store.add(image(100));
  const b = store.add(image(100));
  const c = store.add(image(100));
  expect(store.get(a)).toBeDefined(); // a is now the most recently used
  const d = store.add(image(100));
  expect(store.get(b)).toBeUndefined();
  expect([a, c, d].map((id) => store.get(id) !== undefined)).toEqual([true, true, true]);
  expect(store.size).toBe(3);
});

it('keeps the newest image even when it alone is over the budget', () => {
  const store = new ImageStore(100);
  const small = store.add(image(50));
  const big = store.add(image(500));
  expect(store.get(big)?.bytes.length).toBe(500);
  expect(store.get(small)).toBeUndefined();
  expect(store.size).toBe(1);
});
