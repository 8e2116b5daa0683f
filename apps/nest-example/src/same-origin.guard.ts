import type { IncomingMessage } from 'node:http';
import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';

/** What browsers send in `Sec-Fetch-Site` for a request a page of this very app made, or a user typed. */
const OWN = new Set(['same-origin', 'none']);

/**
 * Refuses (403) a request that a browser says another site made. The upload (`POST /images/edits`, a
 * multipart form) and the event stream (`GET /images/stream`) spend credits, and a page elsewhere can send
 * either without a CORS preflight: a `<form>` POST, an `EventSource` or an `<img src>`. Browsers mark such
 * requests with `Sec-Fetch-Site` (and `Origin`, for forms and `EventSource`); curl and server-side clients send
 * neither and pass.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    if (site !== undefined && !OWN.has(site)) throw refused();
    if (origin !== undefined && !sameHost(origin, req.headers.host)) throw refused();
    return true;
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  return URL.canParse(origin) && new URL(origin).host === host?.toLowerCase();
}

function refused(): ForbiddenException {
  return new ForbiddenException(
    'this route spends credits and answers only requests from this app or a non-browser client',
  );
}
