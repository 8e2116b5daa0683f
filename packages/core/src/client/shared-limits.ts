import { hash } from 'node:crypto';
import type { Sleep } from '../http/http-context.js';
import { createAdaptiveLimit, type AdaptiveLimit } from './adaptive-limit.js';

/** The most calls any provider and key get in flight from this process, whatever the clients' own caps. */
const CEILING = 64;

/** One adaptive limit per provider (base URL) and key: every client and batch of the process shares it. */
const limits = new Map<string, AdaptiveLimit>();

/**
 * The adaptive limit of a base URL and key, made on first use with the first user's clock. The key is held only as
 * a hash. Limits are few (one per provider and key) and live as long as the process.
 */
export function sharedAdaptiveLimit(
  baseURL: string,
  apiKey: string | undefined,
  runtime: { now: () => number; sleep: Sleep },
): AdaptiveLimit {
  const id = `${baseURL}\n${hash('sha256', apiKey ?? '')}`;
  let limit = limits.get(id);
  if (!limit) {
    limit = createAdaptiveLimit({ max: CEILING, now: runtime.now, sleep: runtime.sleep });
    limits.set(id, limit);
  }
  return limit;
}
