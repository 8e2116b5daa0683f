import { goDuration } from './go-duration.js';
import type { ApiError } from './provider-envelopes.js';
import type { ProviderName } from './providers.js';
import type { BucketVerdict, RateLimitHeaders } from './token-bucket.js';

// What each provider sends about its rate limit, fed from the sandbox's token bucket. Sources:
// - OpenAI: https://developers.openai.com/api/docs/guides/rate-limits ("Rate limits in headers"): the
//   x-ratelimit-{limit,remaining,reset}-requests trio on answers, the reset as a Go duration (`12ms`, `6m0s`,
//   the time until the bucket is full again), and `Retry-After` on temporary-limit 429s. `retry-after-ms` is
//   not in the guide but is what OpenAI's SDKs read first.
// - Together: https://docs.together.ai/docs/rate-limits (current): "successful requests come back without
//   rate-limit headers, and when you hit a 429 the response includes x-ratelimit-reset with the number of seconds
//   to wait before retrying"; no Retry-After; above the dynamic rate the 429's error type is
//   `dynamic_request_limited`. The earlier version of that page documented x-ratelimit-limit/-remaining/-reset
//   per second on every answer: sent with `rateLimit.headers: 'all'`.
// - r9s: no rate-limit header is documented; its generated SDK reads only `Retry-After`; 429 is `R9SError`.
// - AI Stats: the gateway sets no Retry-After and drops upstream rate-limit headers; its own per-key limit answers
//   429 `key_limit_exceeded` with `reason` and `reset_at` (AI-Stats/AI-Stats apps/api/src/lib/gateway/before/
//   guards.ts, http.ts).

/** Seconds as a plain decimal, fractions kept (`0.25`, `2`), as Together writes `x-ratelimit-reset`. */
function seconds(ms: number): string {
  return String(Math.max(0, ms) / 1000);
}

/** Headers on an answer the bucket let through. */
export function rateLimitHeaders(
  provider: ProviderName,
  verdict: BucketVerdict & { ok: true },
  mode: RateLimitHeaders = 'current',
): Record<string, string> {
  switch (provider) {
    case 'openai':
      return {
        'x-ratelimit-limit-requests': String(verdict.limit),
        'x-ratelimit-remaining-requests': String(verdict.remaining),
        'x-ratelimit-reset-requests': goDuration(verdict.fullInMs),
      };
    case 'together':
      if (mode !== 'all') return {};
      return {
        'x-ratelimit-limit': String(verdict.limit),
        'x-ratelimit-remaining': String(verdict.remaining),
        'x-ratelimit-reset': seconds(verdict.fullInMs),
      };
    case 'r9s':
    case 'ai-stats':
      return {};
  }
}

/** The 429 a provider answers when the bucket is empty, with its headers. */
export function bucketRefusal(
  provider: ProviderName,
  verdict: BucketVerdict & { ok: false },
  mode: RateLimitHeaders = 'current',
  now: number = Date.now(),
): ApiError {
  const { limit, retryAfterMs } = verdict;
  const wholeSeconds = String(Math.ceil(retryAfterMs / 1000));
  const base = { status: 429, param: null } as const;
  switch (provider) {
    case 'openai':
      return {
        ...base,
        message:
          `Rate limit reached for requests in organization org-sandbox: Limit ${limit}, Used ${limit}, Requested 1. ` +
          `Please try again in ${goDuration(retryAfterMs)}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        type: 'requests',
        code: 'rate_limit_exceeded',
        headers: {
          'x-ratelimit-limit-requests': String(limit),
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': goDuration(verdict.fullInMs),
          'retry-after': wholeSeconds,
          'retry-after-ms': String(retryAfterMs),
        },
      };
    case 'together':
      return {
        ...base,
        message: `Request rate above your dynamic rate limit for this model. Please retry in ${seconds(retryAfterMs)} seconds.`,
        type: 'dynamic_request_limited',
        code: null,
        headers: {
          ...(mode === 'all' ? { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': '0' } : {}),
          'x-ratelimit-reset': seconds(retryAfterMs),
        },
      };
    case 'r9s':
      return {
        ...base,
        message: `Rate limit exceeded. Please try again in ${wholeSeconds}s.`,
        type: 'rate_limit_exceeded',
        code: 'rate_limit_exceeded',
        headers: { 'retry-after': wholeSeconds },
      };
    case 'ai-stats': {
      const resetAt = new Date(now + retryAfterMs).toISOString();
      return {
        ...base,
        message: `This API key has reached its request limit; it resets at ${resetAt}.`,
        type: 'rate_limit_exceeded',
        code: 'key_limit_exceeded',
        gatewayCode: 'key_limit_exceeded',
        gatewayFields: { reason: 'The key sent requests faster than its limit allows.', reset_at: resetAt },
      };
    }
  }
}
