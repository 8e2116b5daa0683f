import { describe, expect, it } from 'vitest';
import { renderGallery, type GalleryCard } from './render-gallery.js';

const card: GalleryCard = {
  src: 'a%20b.png',
  file: 'a b.png',
  prompt: '<script>alert("x")</script> & friends',
  seed: undefined,
  model: 'black-forest-labs/FLUX.1-schnell',
  provider: 'together',
  width: 1344,
  height: 768,
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('renderGallery', () => {
  it('escapes everything that comes from the manifest', () => {
    const html = renderGallery({ title: 'T & <b>', cards: [card] });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends');
    expect(html).toContain('<title>T &amp; &lt;b&gt;</title>');
  });

  it('gives each image its size, seed, short model name and file', () => {
    const html = renderGallery({ title: 't', cards: [card, { ...card, seed: 42, src: undefined }] });
    expect(html).toContain('<img src="a%20b.png" width="1344" height="768"');
    expect(html).toContain('random seed');
    expect(html).toContain('seed 42');
    expect(html).toContain('>FLUX.1-schnell<');
    expect(html).toContain('1344×768');
    expect(html).toContain('file missing');
    expect(html).toContain('2 images, made with Pictor');
  });

  it('is self-contained: no external stylesheet, script or font', () => {
    const html = renderGallery({ title: 't', cards: [card] });
    expect(html).not.toMatch(/<link|<script|@import|https?:\/\//);
  });
});

describe('renderGallery against a hostile manifest', () => {
  it('allows no script through its Content-Security-Policy', () => {
    const html = renderGallery({ title: 't', cards: [card] });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBe(
      "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    );
  });

  it('escapes the size too, should a value that is not a number get this far', () => {
    const hostile = { ...card, width: '1" onerror="alert(1)', height: '<b>2</b>' } as unknown as GalleryCard;
    const html = renderGallery({ title: 't', cards: [hostile] });
    expect(html).not.toContain('onerror="');
    expect(html).not.toContain('<b>');
    expect(html).toContain('width="1&quot; onerror=&quot;alert(1)"');
  });
});
