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
