import { describe, expect, it } from 'vitest';
import { RenderCache } from './render-cache.js';

describe('RenderCache', () => {
  it('renders a key once and serves it from the cache after', async () => {
    const cache = new RenderCache(1000);
    let renders = 0;
    const render = async () => {
      renders++;
      return Buffer.alloc(10);
    };
    expect((await cache.get('a', render)).hit).toBe(false);
    expect((await cache.get('a', render)).hit).toBe(true);
    expect(renders).toBe(1);
  });

  it('shares one render among concurrent requests for a key', async () => {
    const cache = new RenderCache(1000);
    let renders = 0;
    const render = () =>
      new Promise<Buffer>((resolve) => {
        renders++;
        setTimeout(() => resolve(Buffer.alloc(10)), 10);
      });
    const results = await Promise.all([cache.get('a', render), cache.get('a', render), cache.get('a', render)]);
    expect(renders).toBe(1);
    expect(results.filter((r) => r.hit)).toHaveLength(2);
  });

  it('evicts the least recently used entries past its byte bound', async () => {
    const cache = new RenderCache(25);
    const of = (n: number) => async () => Buffer.alloc(n);
    await cache.get('a', of(10));
    await cache.get('b', of(10));
    await cache.get('a', of(10)); // a is now the most recent
    await cache.get('c', of(10)); // 30 bytes > 25: b goes
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('c')).toBe(true);
    expect(cache.bytes).toBe(20);
  });
});
