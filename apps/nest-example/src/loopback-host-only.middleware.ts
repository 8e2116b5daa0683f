import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopback } from './listen-address.js';

/** The host name a request was addressed to (`Host` header), without port or IPv6 brackets; undefined when unreadable. */
function addressedHost(req: IncomingMessage): string | undefined {
  try {
    return new URL(`http://${req.headers.host ?? ''}`).hostname.replace(/^\[(.*)\]$/u, '$1') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Without `APP_API_KEY`, answers only requests addressed to a loopback name (`localhost`, 127.0.0.1, [::1]).
 * Listening on 127.0.0.1 alone does not stop a web page that rebinds its own domain name to 127.0.0.1 (DNS
 * rebinding): its requests are then same-origin, JSON and all, but carry that domain in `Host`.
 */
export function loopbackHostOnly(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const host = addressedHost(req);
  if (host !== undefined && isLoopback(host)) return next();
  const body = JSON.stringify({
    statusCode: 403,
    error: 'Forbidden',
    message: 'without APP_API_KEY this app answers only requests addressed to localhost, 127.0.0.1 or [::1]',
  });
  res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
