import { ResponseValidationError } from '../errors/index.js';
import type { HttpContext, RawResponse } from './http-context.js';
import { toTransportError } from './to-transport-error.js';

/** The headers every request of a context starts from, per body kind (`accept`, `content-type`, then the context's). */
const baseHeaders = new WeakMap<
  Record<string, string>,
  { json: Record<string, string>; none: Record<string, string> }
>();

function headersFor(
  ctx: HttpContext,
  json: boolean,
  extra: Record<string, string> | undefined,
): Record<string, string> {
  let base = baseHeaders.get(ctx.headers);
  if (base === undefined) {
    base = {
      json: { accept: 'application/json', 'content-type': 'application/json', ...ctx.headers },
      none: { accept: 'application/json', ...ctx.headers },
    };
    baseHeaders.set(ctx.headers, base);
  }
  // A fresh object per request: a transport may keep it, and the caller's headers go on top.
  return { ...(json ? base.json : base.none), ...extra };
}

/** `origin + path` of a URL, without its query: what errors name. */
const displays = new Map<string, string>();

function displayOf(href: string): string {
  let display = displays.get(href);
  if (display === undefined) {
    const cut = href.search(/[?#]/);
    display = cut === -1 ? href : href.slice(0, cut);
    if (displays.size >= 256) displays.clear();
    displays.set(href, display);
  }
  return display;
}

/**
 * Sends one API request to `baseURL + path` through the client's transport and returns the status, headers and
 * the unread body. Transport failures come back as Pictor's typed errors.
 */
export async function sendRequest(
  ctx: HttpContext,
  input: {
    method: 'GET' | 'POST';
    path: string;
    json?: unknown;
    /** A body already encoded (a multipart form), sent with its own content type. */
    raw?: { body: Uint8Array; contentType: string } | undefined;
    headers?: Record<string, string>;
    signal?: AbortSignal | undefined;
  },
): Promise<RawResponse> {
  const href = ctx.baseURL + input.path;
  const url = displayOf(href);
  try {
    const admitted = ctx.admit?.(input.signal);
    if (admitted) await admitted;
    const sentAt = ctx.now();
    const res = await ctx.transport.send({
      method: input.method,
      url: href,
      headers: input.raw
        ? headersFor(ctx, false, { 'content-type': input.raw.contentType, ...input.headers })
        : headersFor(ctx, input.json !== undefined, input.headers),
      body: input.raw ? input.raw.body : input.json === undefined ? undefined : JSON.stringify(input.json),
      signal: input.signal,
      timeoutMs: ctx.timeoutMs,
      purpose: 'api',
    });
    ctx.observe?.({ status: res.status, headers: res.headers, latencyMs: ctx.now() - sentAt });
    return { status: res.status, headers: res.headers, body: res.body, url };
  } catch (error) {
    throw toTransportError(error, { url, timeoutMs: ctx.timeoutMs, signal: input.signal, redact: ctx.redact });
  }
}

/**
 * Reads a success body with `read`; if reading fails (a body timeout, a reset, a malformed document) the rest of the
 * body is discarded so the connection is freed, and the failure becomes Pictor's typed error.
 */
export async function readAnswer<T>(
  ctx: HttpContext,
  res: RawResponse,
  signal: AbortSignal | undefined,
  read: (body: RawResponse['body']) => Promise<T>,
): Promise<T> {
  try {
    return await read(res.body);
  } catch (error) {
    await res.body.discard().catch(() => {});
    throw toTransportError(error, { url: res.url, timeoutMs: ctx.timeoutMs, signal, redact: ctx.redact });
  }
}

/** Reads at most `limit` bytes of a body as UTF-8 text and discards the rest (the connection is freed either way). */
export async function readText(body: RawResponse['body'], limit = 1 << 20): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      if (size < limit) chunks.push(chunk.subarray(0, limit - size));
      size += chunk.length;
      if (size >= limit) break; // leaving the loop cancels the rest of the body
    }
  } catch {
    // An error body cut short still says something; use what arrived.
  }
  return utf8.decode(concat(chunks));
}

/**
 * Reads a whole success body as UTF-8 text. Unlike {@link readText}, nothing is hidden: a body over `limit` bytes is
 * refused (a `ResponseValidationError`, not retried), and a failure while reading (a body timeout, a reset)
 * propagates for the caller to turn into its typed error.
 */
export async function readWholeText(body: RawResponse['body'], limit: number, what: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new ResponseValidationError(`${what} is larger than ${limit} bytes`, { retryable: false });
    chunks.push(chunk);
  }
  return utf8.decode(concat(chunks));
}

const utf8 = new TextDecoder();

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
