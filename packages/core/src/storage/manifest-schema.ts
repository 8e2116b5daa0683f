import * as z from 'zod/v4/mini';

// English messages, as request/image-request.ts sets them (only when the application has set none).
if (!z.config().localeError) z.config(z.locales.en());

// Only what the code reads is checked; loose objects keep fields a newer Pictor may have written, so rewriting a
// manifest never drops them. Values that end up in HTML, Markdown, data URIs or on disk are checked strictly.
const count = z.number().check(z.int(), z.minimum(0));
const dimension = z.number().check(z.int(), z.minimum(1), z.maximum(65_535));

export const manifestImageSchema = z.looseObject({
  file: z.string().check(z.minLength(1)),
  index: count,
  seed: z.optional(z.number().check(z.int())),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits')),
  mediaType: z.enum(['image/png', 'image/jpeg', 'image/webp', 'image/gif']),
  width: dimension,
  height: dimension,
  bytes: count,
  url: z.optional(z.string()),
  revisedPrompt: z.optional(z.string()),
});

export const manifestEntrySchema = z.looseObject({
  key: z.string().check(z.minLength(1)),
  prompt: z.string(),
  provider: z.string(),
  model: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  images: z.array(manifestImageSchema),
  failures: z.optional(z.array(z.looseObject({ index: count, error: z.string() }))),
  cost: z.optional(
    z.looseObject({
      usd: z.nullable(z.number().check(z.minimum(0))),
      basis: z.enum(['usage', 'estimate', 'unknown']),
    }),
  ),
});

export const manifestSchema = z.looseObject({
  version: z.literal(1),
  generator: z.optional(z.string()),
  entries: z.array(manifestEntrySchema),
});

/**
 * Whether a manifest's `file` names a file directly inside the manifest's folder: no separator, no `.`/`..`, not
 * hidden, no drive or stream (`:`), no control character. Every name Pictor writes passes (see `formatFileName`).
 */
export function isPlainFileName(file: string): boolean {
  return file.length > 0 && file.length <= 255 && !file.startsWith('.') && !/[/\\:\p{Cc}]/u.test(file);
}
