import { describe, expect, it } from 'vitest';
import { UrlStore } from './url-store.js';

const spec = { prompt: 'p', seed: 1, index: 0, width: 64, height: 64, format: 'png' as const };

function split(path: string): [string, URLSearchParams] {
  const url = new URL(path, 'http://x');
  return [url.pathname, url.searchParams];
}

describe('UrlStore', () => {
  it('serves a URL until its TTL passes, then refuses it with 403 like a signed-URL store', () => {
    let now = 1_000_000;
    const store = new UrlStore(60_000, () => now);
    const issued = store.issue({ spec });
    expect(issued.path).toMatch(/^\/files\/[\w-]+\.png\?se=.+&sp=r&sig=[\w-]+$/);
    expect(store.resolve(...split(issued.path))).toMatchObject({ ok: true, image: { spec } });
    now += 60_001;
    const refused = store.resolve(...split(issued.path));
    expect(refused).toMatchObject({ ok: false, status: 403, code: 'AuthenticationFailed' });
    expect(refused.ok === false && refused.detail).toMatch(/Signed expiry time .* has to be after current time/);
  });

  it('issues already expired URLs on request', () => {
    const store = new UrlStore(60_000);
    expect(store.resolve(...split(store.issue({ spec }, { expired: true }).path))).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('refuses a tampered expiry or signature', () => {
    const store = new UrlStore(60_000);
    const [path, query] = split(store.issue({ spec }).path);
    query.set('se', new Date(Date.now() + 10 * 60 * 60 * 1000).toISOString());
    expect(store.resolve(path, query)).toMatchObject({ ok: false, status: 403, code: 'AuthenticationFailed' });
  });

  it('forgets expired URLs at once (their expiry alone answers 403) and stores none issued expired', () => {
    let now = 1_000_000;
    const store = new UrlStore(60_000, () => now);
    const issued = store.issue({ spec });
    store.issue({ spec }, { expired: true });
    expect(store.size).toBe(1);
    now += 60_001;
    const fresh = store.issue({ spec });
    expect(store.size).toBe(1);
    expect(store.resolve(...split(issued.path))).toMatchObject({ ok: false, status: 403 });
    expect(store.resolve(...split(fresh.path))).toMatchObject({ ok: true });
  });

  it('stays within its byte bound, forgetting the oldest URLs (404, like a deleted blob)', () => {
    const store = new UrlStore(60 * 60_000, Date.now, { maxBytes: 100_000 });
    const long = { ...spec, prompt: 'p'.repeat(32_000) };
    const paths = Array.from({ length: 50 }, () => store.issue({ spec: long }).path);
    expect(store.bytes).toBeLessThanOrEqual(100_000);
    expect(store.size).toBe(1); // one 64 KB entry fits, two do not
    expect(store.resolve(...split(paths[0]!))).toMatchObject({ ok: false, status: 404, code: 'BlobNotFound' });
    expect(store.resolve(...split(paths[49]!))).toMatchObject({ ok: true });
    for (let i = 0; i < 1000; i++) store.issue({ spec });
    expect(store.size).toBe(Math.floor(100_000 / (512 + 2 * spec.prompt.length)));
  });

  it('keeps about 64 MiB by default', () => {
    const store = new UrlStore(60 * 60_000);
    const long = { ...spec, prompt: 'p'.repeat(32_000) };
    for (let i = 0; i < 2000; i++) store.issue({ spec: long });
    expect(store.bytes).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(store.size).toBe(Math.floor((64 * 1024 * 1024) / (512 + 64_000)));
  });
});
