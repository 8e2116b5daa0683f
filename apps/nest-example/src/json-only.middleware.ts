import type { IncomingMessage, ServerResponse } from 'node:http';

/** Methods whose body the app reads. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** The one route that reads an upload; `SameOriginGuard` refuses cross-site forms there. */
const UPLOAD_PATH = '/images/edits';

/**
 * Refuses, with 415, a body that is not `application/json`. A web page can POST a form
 * (`application/x-www-form-urlencoded`, `multipart/form-data`) or `text/plain` to any address without a CORS
 * preflight; JSON needs one, which this app never grants. Runs before any body is parsed. The exception is
 * `POST /images/edits`, which takes `multipart/form-data` uploads: there `SameOriginGuard` refuses what a
 * browser marks as sent from another site.
 */
export function jsonOnly(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  if (!BODY_METHODS.has(req.method ?? '')) return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return next();
  if (type === 'multipart/form-data' && req.method === 'POST' && req.url?.split('?')[0] === UPLOAD_PATH) return next();
  const body = JSON.stringify({
    statusCode: 415,
    error: 'Unsupported Media Type',
    message: 'send the body as JSON, with "Content-Type: application/json"',
  });
  res.writeHead(415, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
