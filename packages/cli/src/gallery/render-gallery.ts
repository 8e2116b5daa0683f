/** One image on the contact sheet. */
export interface GalleryCard {
  /** What `<img src>` gets: a relative URL or a data URI; undefined when the file is missing. */
  src: string | undefined;
  file: string;
  prompt: string;
  seed: number | undefined;
  model: string;
  provider: string;
  width: number;
  height: number;
  createdAt: string;
}

export interface GalleryPage {
  title: string;
  cards: GalleryCard[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

// No script, no plugin, no form, no base: only its own inline style and images beside it or embedded. Whatever
// a manifest smuggled past the escaping could still not run.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light dark; --bg: #f4f4f5; --card: #fff; --text: #18181b; --muted: #71717a; --line: #e4e4e7; }
@media (prefers-color-scheme: dark) { :root { --bg: #18181b; --card: #27272a; --text: #f4f4f5; --muted: #a1a1aa; --line: #3f3f46; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, sans-serif; }
header { margin: 0 0 20px; }
h1 { margin: 0; font-size: 20px; }
header p { margin: 4px 0 0; color: var(--muted); }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 16px; }
figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; display: flex; flex-direction: column; }
figure a { display: block; background: repeating-conic-gradient(var(--line) 0 25%, transparent 0 50%) 0 0 / 16px 16px; }
figure img { display: block; width: 100%; height: auto; object-fit: contain; }
.missing { display: grid; place-items: center; aspect-ratio: 1; color: var(--muted); }
figcaption { padding: 10px 12px 12px; display: grid; gap: 4px; }
.prompt { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.meta { color: var(--muted); font-size: 12px; }
.model { white-space: nowrap; }
.file { font: 11px/1.3 ui-monospace, monospace; color: var(--muted); word-break: break-all; }
`;

function card(c: GalleryCard): string {
  const width = escapeHtml(String(c.width));
  const height = escapeHtml(String(c.height));
  const size = `${width}×${height}`;
  const seed = c.seed === undefined ? 'random seed' : `seed ${c.seed}`;
  const model = c.model.split('/').pop() ?? c.model;
  const picture = c.src
    ? `<a href="${escapeHtml(c.src)}"><img src="${escapeHtml(c.src)}" width="${width}" height="${height}" alt="${escapeHtml(c.prompt)}"></a>`
    : `<div class="missing">file missing</div>`;
  return `<figure>
${picture}
<figcaption>
<span class="prompt" title="${escapeHtml(c.prompt)}">${escapeHtml(c.prompt)}</span>
<span class="meta"><span class="seed">${escapeHtml(seed)}</span> · <span class="size">${size}</span> · <span class="model" title="${escapeHtml(`${c.provider}: ${c.model}`)}">${escapeHtml(model)}</span></span>
<span class="file">${escapeHtml(c.file)}</span>
</figcaption>
</figure>`;
}

/**
 * The contact sheet: one self-contained HTML page (inline CSS, no script, a Content-Security-Policy that allows
 * none), one card per image. Every field is escaped.
 */
export function renderGallery(page: GalleryPage): string {
  const count = `${page.cards.length} image${page.cards.length === 1 ? '' : 's'}`;
  const body = page.cards.length ? page.cards.map(card).join('\n') : '<p>No images yet.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pictor">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(page.title)}</h1><p>${count}, made with Pictor</p></header>
<main>
${body}
</main>
</body>
</html>
`;
}
