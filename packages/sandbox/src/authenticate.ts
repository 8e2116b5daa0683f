import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { header } from './http-helpers.js';
import { invalidKey, missingKey, type ApiError } from './provider-envelopes.js';
import type { ProviderName } from './providers.js';
import type { SandboxContext } from './sandbox-context.js';

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const value = header(req, 'authorization');
  const match = value ? /^Bearer\s+(\S.*)$/i.exec(value.trim()) : null;
  return match?.[1]?.trim() || undefined;
}

/** Compares a given secret with the expected one in constant time (hashing first hides the length too). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Checks the bearer token; returns the key, or the 401 to send. */
export function authenticate(context: SandboxContext, req: IncomingMessage, provider: ProviderName): string | ApiError {
  const token = bearerToken(req);
  if (!token) return missingKey(provider);
  if (context.apiKey !== undefined && !sameSecret(token, context.apiKey)) return invalidKey(provider, token);
  return token;
}
