import type { IncomingMessage, ServerResponse } from 'node:http';

const STREAM_PATH = '/images/stream';

/**
 * Answers 204 to an `EventSource` reconnecting to `GET /images/stream` (it sends `Last-Event-ID`). A stream
 * cannot be resumed: each request starts a new generation, and an `EventSource` whose page did not close it
 * reconnects whenever the server ends the stream, spending credits again and again. A 204 tells it to stop.
 */
export function noStreamReconnect(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  if (req.method !== 'GET' || req.headers['last-event-id'] === undefined) return next();
  if (req.url?.split('?')[0] !== STREAM_PATH) return next();
  res.writeHead(204).end();
}
