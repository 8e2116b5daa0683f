import { APIError, type APIErrorInit } from './api-error.js';

/** 400: the provider refused the request's parameters. */
export class BadRequestError extends APIError {}
/** 401: the API key is missing, wrong or revoked. */
export class AuthenticationError extends APIError {}
/** 403: the key is valid but may not use this model or feature. */
export class PermissionDeniedError extends APIError {}
/** 404: unknown model or endpoint. */
export class NotFoundError extends APIError {}
/** 409: a conflicting request is in flight; retried. */
export class ConflictError extends APIError {
  override readonly isRetryable = true;
}
/** 422: well-formed but semantically invalid parameters. */
export class UnprocessableEntityError extends APIError {}

/** 429: too many requests. `retryAfterMs` is what the provider asked for, when it said. */
export class RateLimitError extends APIError {
  override readonly isRetryable: boolean = true;
  readonly retryAfterMs: number | undefined;
  constructor(init: APIErrorInit & { retryAfterMs?: number }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 429 whose body says the account's quota or balance is exhausted: waiting will not help, so never retried. */
export class QuotaExceededError extends RateLimitError {
  override readonly isRetryable = false;
}

/** Any 5xx without a more specific class (502, 504, …). */
export class ServerError extends APIError {
  override readonly isRetryable = true;
}
/** 500. */
export class InternalServerError extends ServerError {}
/** 503: the provider is overloaded or down for maintenance. */
export class ServiceUnavailableError extends ServerError {}
