import { ValidationError } from '../errors/index.js';

/** A prompt as a short, safe file-name stem: lower-case ASCII words joined by dashes. */
export function slugify(text: string, maxLength = 48): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, maxLength).replace(/-+$/g, '') || 'image';
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

/** The longest each token can become (an index below 1000: a request holds at most 128 images). */
const TOKEN_MAX: Record<string, number> = { slug: 48, index: 3, seed: 10, model: 32, key: 8, hash: 8 };

/**
 * Longest file name a pattern may produce, in UTF-8 bytes, before its extension: file systems allow 255, and
 * saving adds the extension (5), a suffix when the name is taken (`-99`) and, while writing, a temporary name
 * (`.<name>.<pid>.<random>.tmp`, about 25 more).
 */
export const MAX_FILE_NAME_BYTES = 200;

/**
 * Checks a file-name pattern before anything is generated: known tokens only, and a name that fits the file
 * system whatever the tokens become. Returns the problem, or undefined when the pattern is fine.
 */
export function fileNamePatternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'must not be empty';
  const unknown = [...pattern.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1] as string)
    .filter((t) => !Object.hasOwn(TOKEN_MAX, t));
  if (unknown.length) return `unknown token {${unknown[0]}}; use {slug} {index} {seed} {model} {key} {hash}`;
  const widest = Object.fromEntries(Object.entries(TOKEN_MAX).map(([token, n]) => [token, 'x'.repeat(n)]));
  const longest = renderPattern(pattern, widest, 0);
  const bytes = new TextEncoder().encode(longest).length;
  if (bytes > MAX_FILE_NAME_BYTES) {
    return `can make names of ${bytes} bytes; file names are limited to ${MAX_FILE_NAME_BYTES} bytes before the extension`;
  }
  return undefined;
}

/** {@link fileNamePatternProblem}, thrown as a `ValidationError` naming `field`: call it before generating. */
export function checkFileNamePattern(pattern: string, field = 'fileName'): void {
  const problem = fileNamePatternProblem(pattern);
  if (problem) throw new ValidationError([{ field, message: problem }], 'file-name pattern');
}

/**
 * Fills a file-name pattern. Tokens: `{slug}` (the prompt, slugified), `{index}`, `{seed}`, `{model}` (its last
 * path segment), `{key}` (8 characters of the request key), `{hash}` (8 characters of the image's sha256).
 * A pattern without `{index}` or `{hash}` gets `-{index}` appended so images of one request never collide.
 * Path separators and other unsafe characters are replaced; the extension is added by the caller.
 */
export function formatFileName(pattern: string, vars: FileNameVars): string {
  const values: Record<string, string> = {
    slug: slugify(vars.prompt),
    index: String(vars.index),
    seed: vars.seed === undefined ? 'random' : String(vars.seed),
    model: slugify(vars.model.split('/').pop() ?? vars.model, 32),
    key: vars.key.slice(0, 8),
    hash: vars.sha256.slice(0, 8),
  };
  return renderPattern(pattern, values, vars.index);
}

/** The pattern filled with `values` and made safe; `image-<index>` when nothing is left. */
function renderPattern(pattern: string, values: Record<string, string>, index: number): string {
  const withIndex = /\{(index|hash)\}/.test(pattern) ? pattern : `${pattern}-{index}`;
  const name = withIndex.replace(/\{(\w+)\}/g, (whole, token: string) => values[token] ?? whole);
  const safe = [...name].map((ch) => (ch.charCodeAt(0) < 0x20 || '/\\:*?"<>|'.includes(ch) ? '-' : ch)).join('');
  return safe.replace(/-{2,}/g, '-').replace(/^[.-]+/, '') || `image-${index}`;
}
