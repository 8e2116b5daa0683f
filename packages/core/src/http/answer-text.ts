/** Longest text kept from an answer's field (`revised_prompt`): the longest prompt a request may send. */
export const MAX_FIELD_CHARS = 32_000;
/** Longest identifier kept (`id`, `x-request-id`). */
export const MAX_ID_CHARS = 256;

/**
 * A text field of a successful answer, fit to keep in results, logs and `manifest.json`: the key removed (a
 * gateway may echo it anywhere) and cut to `max` characters, marked with `…`.
 */
export function answerText(value: string, redact: (text: string) => string, max = MAX_FIELD_CHARS): string {
  const clean = redact(value);
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** `answerText` over every string of a JSON value (an answer's `usage`); nesting past `depth` is dropped. */
export function answerValue(value: unknown, redact: (text: string) => string, depth = 8): unknown {
  if (typeof value === 'string') return answerText(value, redact);
  if (typeof value !== 'object' || value === null) return value;
  if (depth === 0) return undefined;
  if (Array.isArray(value)) return value.map((v) => answerValue(v, redact, depth - 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[answerText(key, redact, MAX_ID_CHARS)] = answerValue(v, redact, depth - 1);
  return out;
}
