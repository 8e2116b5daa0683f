/** A prompt as a short, safe file-name stem: lower-case ASCII words joined by dashes. */
export function slugify(text: string, maxLength = 48): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (slug.slice(0, maxLength).replace(/-+$/g, '') || 'image');
}

export interface FileNameVars {
  prompt: string;
  index: number;
  seed: number | undefined;
  model: string;
  key: string;
  sha256: string;
}

/** The default pattern: stable for a request, unique per image. */
export const DEFAULT_FILE_NAME = '{slug}-{key}-{index}';

/**
 * Fills a file-name pattern. Tokens: `{slug}` (the prompt, slugified), `{index}`, `{seed}`, `{model}` (its last
 * path segment), `{key}` (8 characters of the request key), `{hash}` (8 characters of the image's sha256).
 * A pattern without `{index}` or `{hash}` gets `-{index}` appended so images of one request never collide.
 * Path separators and other unsafe characters are replaced; the extension is added by the caller.
 */
export function formatFileName(pattern: string, vars: FileNameVars): string {
  const withIndex = /\{(index|hash)\}/.test(pattern) ? pattern : `${pattern}-{index}`;
  const values: Record<string, string> = {
    slug: slugify(vars.prompt),
    index: String(vars.index),
    seed: vars.seed === undefined ? 'random' : String(vars.seed),
    model: slugify(vars.model.split('/').pop() ?? vars.model, 32),
    key: vars.key.slice(0, 8),
    hash: vars.sha256.slice(0, 8),
  };
  const name = withIndex.replace(/\{(\w+)\}/g, (whole, token: string) => values[token] ?? whole);
  const safe = [...name].map((ch) => (ch.charCodeAt(0) < 0x20 || '/\\:*?"<>|'.includes(ch) ? '-' : ch)).join('');
  return safe.replace(/-{2,}/g, '-').replace(/^[.-]+/, '') || `image-${vars.index}`;
}
