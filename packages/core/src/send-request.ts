import type { HttpContext, RawResponse } from './http-context.js';
import { toTransportError } from './to-transport-error.js';

/** Lower-cases header names and joins repeated values. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Sends one HTTP request to `baseURL + path` through the client's dispatcher and returns the status, headers
 * and the unread body stream. Transport failures come back as Pictor's typed errors.
 */
export async function sendRequest(
  ctx: HttpContext,
  input: { method: 'GET' | 'POST'; path: string; json?: unknown; headers?: Record<string, string>; signal?: AbortSignal | undefined },
): Promise<RawResponse> {
  const url = new URL(ctx.baseURL + input.path);
  const display = `${url.origin}${url.pathname}`;
  try {
    const res = await ctx.dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: input.method,
      headers: {
        accept: 'application/json',
        ...(input.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...ctx.headers,
        ...input.headers,
      },
      body: input.json === undefined ? null : JSON.stringify(input.json),
      signal: input.signal ?? null,
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
    });
    return { status: res.statusCode, headers: flattenHeaders(res.headers), body: res.body, url: display };
  } catch (error) {
    throw toTransportError(error, { url: display, timeoutMs: ctx.timeoutMs, signal: input.signal, redact: ctx.redact });
  }
}

/** Reads at most `limit` bytes of a body as UTF-8 text and discards the rest (the connection is freed either way). */
export async function readText(body: RawResponse['body'], limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      if (size < limit) chunks.push(buf.subarray(0, limit - size));
      size += buf.length;
      if (size >= limit) {
        body.destroy();
        break;
      }
    }
  } catch {
    // An error body cut short still says something; use what arrived.
  }
  return Buffer.concat(chunks).toString('utf8');
}
