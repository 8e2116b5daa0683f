import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  UnprocessableEntityError,
  type APIErrorInit,
} from '../errors/index.js';
import { parseErrorBody, type ProviderErrorInfo } from './parse-error-body.js';
import { parseRetryAfter } from './retry-after.js';
import { parseResetMs } from './rate-limit-headers.js';

const QUOTA = /insufficient_quota|quota|billing|balance|credits?/i;

/** Maps a non-2xx answer to the typed error for its status, with the provider's own message. */
export function createAPIError(input: {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  url: string;
  attempts: number;
  redact: (text: string) => string;
}): APIError {
  const parsed = parseErrorBody(input.redact(input.bodyText));
  // Once more after parsing: a key echoed with JSON escapes (`\/`, `\u002d`) is only whole once unescaped.
  const info = Object.fromEntries(
    Object.entries(parsed).map(([field, value]) => [field, value === undefined ? undefined : input.redact(value)]),
  ) as ProviderErrorInfo;
  // The error keeps the response headers, and a gateway may echo the key in one (`www-authenticate`, …).
  const headers = Object.fromEntries(Object.entries(input.headers).map(([name, value]) => [name, input.redact(value)]));
  const init: APIErrorInit = {
    status: input.status,
    providerMessage: info.message,
    type: info.type,
    code: info.code,
    param: info.param,
    requestId: headers['x-request-id'] ?? headers['request-id'],
    attempts: input.attempts,
    headers,
    url: input.url,
  };
  switch (input.status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new AuthenticationError(init);
    case 403:
      return new PermissionDeniedError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 422:
      return new UnprocessableEntityError(init);
    case 429: {
      const quota =
        [info.code, info.type].some((v) => v === 'insufficient_quota') ||
        (info.code === undefined && info.type === undefined && QUOTA.test(info.message ?? ''));
      // Together sends no Retry-After: its 429 says how long to wait in `x-ratelimit-reset` (seconds).
      const reset = parseResetMs(headers['x-ratelimit-reset'], Date.now());
      const retryAfterMs = parseRetryAfter(headers) ?? (reset !== undefined && reset <= 60_000 ? reset : undefined);
      return quota ? new QuotaExceededError({ ...init, retryAfterMs }) : new RateLimitError({ ...init, retryAfterMs });
    }
    case 500:
      return new InternalServerError(init);
    case 503:
      return new ServiceUnavailableError(init);
    default:
      if (input.status > 500) return new ServerError(init);
      return new RetryableAwareAPIError(init);
  }
}

/** Any other 4xx (408 is the one retried). */
class RetryableAwareAPIError extends APIError {
  override readonly isRetryable: boolean;
  constructor(init: APIErrorInit) {
    super(init);
    this.isRetryable = init.status === 408;
  }
}
