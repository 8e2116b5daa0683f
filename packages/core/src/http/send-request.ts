import type { HttpContext, RawResponse } from './http-context.js';
import { toTransportError } from './to-transport-error.js';

/** Lower-cases header names and joins repeated values. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

interface Target {
  origin: string;
  path: string;
  /** Origin and path, without the query: what errors name. */
  display: string;
}

/** Parsed `baseURL + path` targets, so a URL is parsed once rather than on every request. */
const targets = new Map<string, Target>();

function targetOf(href: string): Target {
  let target = targets.get(href);
  if (target === undefined) {
    const url = new URL(href);
    target = { origin: url.origin, path: url.pathname + url.search, display: `${url.origin}${url.pathname}` };
    if (targets.size >= 256) targets.clear();
    targets.set(href, target);
  }
  return target;
}

/** The headers every request of a context starts from, per body kind (`accept`, `content-type`, then the context's). */
const baseHeaders = new WeakMap<Record<string, string>, { json: Record<string, string>; none: Record<string, string> }>();

function headersFor(ctx: HttpContext, json: boolean, extra: Record<string, string> | undefined): Record<string, string> {
  let base = baseHeaders.get(ctx.headers);
  if (base === undefined) {
    base = {
      json: { accept: 'application/json', 'content-type': 'application/json', ...ctx.headers },
      none: { accept: 'application/json', ...ctx.headers },
    };
    baseHeaders.set(ctx.headers, base);
  }
  // A fresh object per request: undici may keep it, and the caller's headers go on top.
  return { ...(json ? base.json : base.none), ...extra };
}

/**
 * Sends one HTTP request to `baseURL + path` through the client's dispatcher and returns the status, headers
 * and the unread body stream. Transport failures come back as Pictor's typed errors.
 */
export async function sendRequest(
  ctx: HttpContext,
  input: { method: 'GET' | 'POST'; path: string; json?: unknown; headers?: Record<string, string>; signal?: AbortSignal | undefined },
): Promise<RawResponse> {
  const { origin, path, display } = targetOf(ctx.baseURL + input.path);
  try {
    const res = await ctx.dispatcher.request({
      origin,
      path,
      method: input.method,
      headers: headersFor(ctx, input.json !== undefined, input.headers),
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
