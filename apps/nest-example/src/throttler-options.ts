import type { ConfigService } from '@nestjs/config';
import { seconds, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { ValidationError, type FieldIssue } from '@pictor/core';
import { SPENDS_CREDITS } from './spends-credits.decorator.js';

/** Defaults: per client address and route, 10 generations and 60 other requests a minute. */
const DEFAULTS = { THROTTLE_TTL_SECONDS: 60, THROTTLE_LIMIT: 60, THROTTLE_GENERATE_LIMIT: 10 };

/**
 * `@nestjs/throttler`'s options from the configuration. Each client address may make `THROTTLE_GENERATE_LIMIT`
 * requests that spend the provider's credits (POST requests and `@SpendsCredits()` routes: generations, edits,
 * streams) and `THROTTLE_LIMIT` other requests per route every `THROTTLE_TTL_SECONDS`; past that it gets 429
 * with `Retry-After`.
 */
export function throttlerOptionsFrom(config: ConfigService): ThrottlerModuleOptions {
  const issues: FieldIssue[] = [];
  const count = (name: keyof typeof DEFAULTS): number => {
    const value = config.get<string>(name)?.trim();
    if (!value) return DEFAULTS[name];
    // The value is not echoed: a secret pasted into the wrong variable must not reach the logs.
    if (!/^\d+$/.test(value) || Number(value) < 1)
      issues.push({ field: name, message: 'must be a whole number of at least 1' });
    return Number(value);
  };
  const ttl = seconds(count('THROTTLE_TTL_SECONDS'));
  const limit = count('THROTTLE_LIMIT');
  const generateLimit = count('THROTTLE_GENERATE_LIMIT');
  if (issues.length) throw new ValidationError(issues, 'configuration');
  return {
    throttlers: [
      {
        ttl,
        limit: (context) =>
          context.switchToHttp().getRequest<{ method: string }>().method === 'POST' ||
          Reflect.getMetadata(SPENDS_CREDITS, context.getHandler()) === true
            ? generateLimit
            : limit,
      },
    ],
  };
}
