import { Agent, type Dispatcher } from 'undici';
import type { Transport, TransportBody, TransportRequest, TransportResponse } from './transport.js';

/** Options of {@link createUndiciTransport}. */
export interface UndiciTransportOptions {
  /** A dispatcher of your own (not closed by `close()`); default: a keep-alive Agent of the transport's own. */
  dispatcher?: Dispatcher;
  /** Sockets per origin of the transport's own Agent. Default 8. */
  connections?: number;
}

/** Agent-wide limits sit above undici's 5-minute defaults (slow image models take minutes); each request sets its own. */
const AGENT_TIMEOUT_MS = 15 * 60_000;
/** A redirect or error body up to this size is read to the end so its socket goes back to the pool. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * The Node transport: one long-lived undici Agent (keep-alive pool) per transport, the per-request `timeoutMs`
 * as undici's header and body timeouts, bodies streamed as they arrive. Never follows redirects.
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  const owned = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      headersTimeout: AGENT_TIMEOUT_MS,
      bodyTimeout: AGENT_TIMEOUT_MS,
      connectTimeout: 10_000,
      keepAliveTimeout: 30_000,
      connections: options.connections ?? 8,
    });
  let closed: Promise<void> | undefined;
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      const { origin, path } = targetOf(request.url);
      const res = await dispatcher.request({
        origin,
        path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal ?? null,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body: undiciBody(res.body) };
    },
    close() {
      closed ??= owned ? dispatcher.close() : Promise.resolve();
      return closed;
    },
  };
}

function undiciBody(body: Dispatcher.ResponseData['body']): TransportBody {
  return {
    bytes: () => body.bytes(),
    discard: async () => {
      try {
        await body.dump({ limit: DRAIN_LIMIT });
      } catch {
        // Destroying an unread body makes it emit an error; with no listener that would be an uncaught exception.
        body.on('error', () => {});
        body.destroy();
      }
    },
    [Symbol.asyncIterator]: () => body[Symbol.asyncIterator](),
  };
}

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

/** Parsed targets, so a base URL + path is parsed once rather than on every request. */
const targets = new Map<string, { origin: string; path: string }>();

function targetOf(href: string): { origin: string; path: string } {
  let target = targets.get(href);
  if (target === undefined) {
    const url = new URL(href);
    target = { origin: url.origin, path: url.pathname + url.search };
    if (targets.size >= 256) targets.clear();
    targets.set(href, target);
  }
  return target;
}
