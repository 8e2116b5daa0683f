import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';

const PUBLIC = Symbol('pictor-example:public');

/** Marks a controller or route as open to callers without the app's API key (`/health`). */
export const Public = () => SetMetadata(PUBLIC, true);

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The keys a request offers: `Authorization: Bearer …` and `x-api-key`. */
function offeredKeys(req: IncomingMessage): string[] {
  const keys: string[] = [];
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  if (bearer) keys.push(bearer);
  const header = req.headers['x-api-key'];
  for (const key of Array.isArray(header) ? header : [header]) if (key?.trim()) keys.push(key.trim());
  return keys;
}

/**
 * When `APP_API_KEY` is set, every route but the `@Public()` ones needs it, as `Authorization: Bearer <key>` or
 * `x-api-key: <key>`; otherwise 401. Keys are compared as SHA-256 digests with `timingSafeEqual`, so neither the
 * time taken nor the length tells a caller how close a guess was. Without `APP_API_KEY` (only allowed on
 * loopback, see `listenAddressFrom`) every request passes.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(
    private readonly reflector: Reflector,
    config: ConfigService,
  ) {
    const key = config.get<string>('APP_API_KEY')?.trim();
    this.expected = key ? digest(key) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    const expected = this.expected;
    // Every offered key is compared, so the time taken does not say which header held a wrong one.
    const matches = offeredKeys(req).map((key) => timingSafeEqual(digest(key), expected));
    if (matches.includes(true)) return true;
    const res = context.switchToHttp().getResponse<ServerResponse>();
    res.setHeader('WWW-Authenticate', 'Bearer realm="pictor-nest-example"');
    throw new UnauthorizedException(
      'a valid API key is required: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"',
    );
  }
}
