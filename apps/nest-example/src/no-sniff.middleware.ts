import type { IncomingMessage, ServerResponse } from 'node:http';

/** `X-Content-Type-Options: nosniff` on every answer: browsers take `Content-Type` as given, never guess. */
export function noSniff(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
