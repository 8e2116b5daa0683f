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
    expect(store.resolve(...split(store.issue({ spec }, { expired: true }).path))).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a tampered expiry or signature', () => {
    const store = new UrlStore(60_000);
    const [path, query] = split(store.issue({ spec }).path);
    query.set('se', new Date(Date.now() + 10 * 60 * 60 * 1000).toISOString());
    expect(store.resolve(path, query)).toMatchObject({ ok: false, status: 403, code: 'AuthenticationFailed' });
  });
});
