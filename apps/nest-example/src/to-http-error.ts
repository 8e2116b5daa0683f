import { STATUS_CODES } from 'node:http';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  TimeoutError,
  UnprocessableEntityError,
  ValidationError,
  type PictorError,
} from '@pictor/core';

export interface HttpError {
  status: number;
  headers: Record<string, string>;
  body: {
    statusCode: number;
    error: string;
    message: string;
    fields?: { field: string; message: string }[];
    requestId?: string;
    /** A refused budget's figures, in USD: the limit, what was spent or committed, the refused call's estimate. */
    limitUsd?: number;
    spentUsd?: number;
    callUsd?: number;
  };
}

function reply(
  status: number,
  message: string,
  extra: Partial<HttpError['body']> = {},
  headers: Record<string, string> = {},
): HttpError {
  return { status, headers, body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...extra } };
}

/**
 * How the app answers a failed generation. Its own callers' mistakes are 400; a call past the app's budget 402
 * with the figures; the provider's rate limit is 429 with `Retry-After`; an exhausted quota 503; everything else
 * the provider did wrong 502 (504 for a timeout). Messages come from core's errors, which never contain the API key.
 */
export function toHttpError(error: PictorError): HttpError {
  const requestId = APIError.isInstance(error) && error.requestId ? { requestId: error.requestId } : {};
  if (ValidationError.isInstance(error)) return reply(400, error.message, { fields: error.issues });
  if (BudgetExceededError.isInstance(error)) {
    // 402 Payment Required, not 429: the app's spending limit (PICTOR_MAX_COST) is used up and no wait will free
    // it (it lasts as long as the process), so a client must not retry after a delay as 429 would tell it to.
    const { limitUsd, spentUsd, callUsd } = error;
    return reply(402, error.message, { limitUsd, spentUsd, callUsd });
  }
  if (QuotaExceededError.isInstance(error)) {
    return reply(503, "the image provider's quota for the configured account is exhausted", requestId);
  }
  if (RateLimitError.isInstance(error)) {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 0) / 1000));
    return reply(429, `the image provider is rate limiting this app; retry in ${seconds} s`, requestId, {
      'Retry-After': String(seconds),
    });
  }
  if (AuthenticationError.isInstance(error))
    return reply(502, 'the image provider rejected the configured API key', requestId);
  if (PermissionDeniedError.isInstance(error))
    return reply(502, 'the configured API key may not use this model', requestId);
  if (BadRequestError.isInstance(error) || UnprocessableEntityError.isInstance(error)) {
    return reply(422, `the image provider refused the request: ${error.providerMessage ?? error.message}`, requestId);
  }
  if (TimeoutError.isInstance(error)) return reply(504, 'the image provider did not answer in time');
  return reply(502, `the image provider failed: ${error.message}`, requestId);
}

/** Answers the operator should hear of: the provider's failures, its rate limit, and the app's budget used up. */
export function isOperatorConcern(status: number): boolean {
  return status >= 500 || status === 429 || status === 402;
}
