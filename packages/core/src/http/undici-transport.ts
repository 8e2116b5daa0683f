import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import type { ResolveHost, Transport, TransportBody, TransportRequest, TransportResponse } from './transport.js';

/** Options of {@link createUndiciTransport}. */
export interface UndiciTransportOptions {
  /** A dispatcher of your own (not closed by `close()`); default: a keep-alive Agent of the transport's own. */
  dispatcher?: Dispatcher;
  /** Sockets per origin of the transport's own Agent. Default 8. */
  connections?: number;
  /** How the transport's own Agent resolves host names. Default: Node's `dns.lookup`. */
  resolveHost?: ResolveHost;
}

/** Agent-wide limits sit above undici's 5-minute defaults (slow image models take minutes); each request sets its own. */
const AGENT_TIMEOUT_MS = 15 * 60_000;
/** A redirect or error body up to this size is read to the end so its socket goes back to the pool. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * The Node transport: one long-lived undici Agent (keep-alive pool) per transport, the per-request `timeoutMs`
 * as undici's header and body timeouts, bodies streamed as they arrive. Never follows redirects.
 *
 * A download's host is pinned to the addresses core checked (`request.addresses`): the Agent's sockets connect to
 * those, not to a second DNS answer (DNS rebinding). Not covered: a dispatcher of your own (it resolves as it
 * likes), and a keep-alive socket opened to the same origin before the check (it was itself checked or is the
 * provider's own).
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  const owned = options.dispatcher === undefined;
  // Host → the addresses its downloads in flight were checked against; an entry lives while one is connecting.
  const pins = new Map<string, { addresses: string[]; users: number }>();
  const dispatcher =
    options.dispatcher ??
    new Agent({
      headersTimeout: AGENT_TIMEOUT_MS,
      bodyTimeout: AGENT_TIMEOUT_MS,
      connectTimeout: 10_000,
      keepAliveTimeout: 30_000,
      connections: options.connections ?? 8,
      connect: { lookup: pinnedLookup(pins, options.resolveHost) },
    });
  let closed: Promise<void> | undefined;
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      const { origin, path, hostname } = targetOf(request.url);
      const pinned = request.addresses?.length ? pin(pins, hostname, request.addresses) : undefined;
      let res: Dispatcher.ResponseData;
      try {
        res = await dispatcher.request({
          origin,
          path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          signal: request.signal ?? null,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        });
      } finally {
        // Connected (or failed): later requests to this host, the provider's own included, resolve afresh.
        pinned?.();
      }
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

/**
 * The Agent's `connect.lookup`: a host pinned by a download connects to the addresses core checked; any other
 * name goes through `resolveHost` when given, else Node's DNS.
 */
/** Pins `hostname` to `addresses` while a download connects; returns the unpin. */
function pin(pins: Map<string, { addresses: string[]; users: number }>, hostname: string, addresses: string[]) {
  const entry = pins.get(hostname);
  if (entry) {
    entry.addresses = addresses;
    entry.users++;
  } else pins.set(hostname, { addresses, users: 1 });
  return (): void => {
    const current = pins.get(hostname);
    if (current && --current.users === 0) pins.delete(hostname);
  };
}

function pinnedLookup(
  pins: Map<string, { addresses: string[]; users: number }>,
  resolveHost: ResolveHost | undefined,
): LookupFunction {
  return (hostname, options, callback) => {
    const pinned = pins.get(hostname)?.addresses;
    if (pinned) return answer(pinned, options, callback);
    if (!resolveHost) return dnsLookup(hostname, options, callback as never);
    resolveHost(hostname).then(
      (addresses) => answer(addresses, options, callback),
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}

type LookupCallback = Parameters<LookupFunction>[2];

function answer(addresses: string[], options: { all?: boolean }, callback: LookupCallback): void {
  const entries = addresses.map((address) => ({ address, family: isIP(address) || 4 }));
  const first = entries[0];
  if (!first) {
    callback(Object.assign(new Error('no addresses'), { code: 'ENOTFOUND' }), '', 0);
    return;
  }
  if (options.all) (callback as unknown as (e: null, all: typeof entries) => void)(null, entries);
  else callback(null, first.address, first.family);
}

/** Parsed targets, so a base URL + path is parsed once rather than on every request. */
const targets = new Map<string, { origin: string; path: string; hostname: string }>();

function targetOf(href: string): { origin: string; path: string; hostname: string } {
  let target = targets.get(href);
  if (target === undefined) {
    const url = new URL(href);
    target = { origin: url.origin, path: url.pathname + url.search, hostname: url.hostname };
    if (targets.size >= 256) targets.clear();
    targets.set(href, target);
  }
  return target;
}
