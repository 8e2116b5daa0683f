import type { ProviderName } from './providers.js';

/** An error answer, independent of dialect; `errorBody` wraps it in the provider's envelope. */
export interface ApiError {
  status: number;
  message: string;
  /** OpenAI-style `type` (`invalid_request_error`, `insufficient_quota`, …). */
  type: string;
  code: string | null;
  param: string | null;
  /** AI Stats' gateway error code (`unauthorised`, `validation_error`, …); falls back to `code`/`type`. */
  gatewayCode?: string;
  /** More top-level fields of AI Stats' body (its key-limit answer adds `reason` and `reset_at`). */
  gatewayFields?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function isApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && 'status' in value && 'message' in value && 'type' in value;
}

/**
 * The error body each provider sends:
 * - Together `ErrorData`: `{ error: { message, type, param, code } }`
 * - OpenAI `ErrorResponse`: `{ error: { message, type, param, code } }`
 * - r9s `R9SError`: `{ error: { message, type, code, param? }, status }` (its `param` is a string or absent)
 * - AI Stats gateway error: `{ error: <code>, message, description, status_code, generation_id }`. Its OpenAPI
 *   document declares no error schema for this path; `error` + `message` is the shape it documents for other
 *   paths, `description`/`status_code`/`generation_id` what the gateway's `apps/api/src/lib/error-handler.ts` adds.
 */
export function errorBody(provider: ProviderName, error: ApiError, requestId: string): Record<string, unknown> {
  switch (provider) {
    case 'together':
    case 'openai':
      return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
    case 'r9s':
      return {
        error: {
          message: error.message,
          type: error.type,
          code: error.code,
          ...(error.param !== null ? { param: error.param } : {}),
        },
        status: error.status,
      };
    case 'ai-stats':
      return {
        error: error.gatewayCode ?? error.code ?? error.type,
        message: error.message,
        description: error.message,
        status_code: error.status,
        generation_id: requestId,
        ...(error.param !== null ? { param: error.param } : {}),
        ...error.gatewayFields,
      };
  }
}

/** Headers a provider adds to its error answers. */
export function errorHeaders(provider: ProviderName, error: ApiError): Record<string, string> {
  const headers: Record<string, string> = { ...(error.headers ?? {}) };
  if (provider === 'ai-stats') {
    headers['x-gateway-error-attribution'] = error.status >= 500 || error.status === 429 ? 'upstream' : 'user';
  }
  return headers;
}

const KEY_PAGES: Record<ProviderName, string> = {
  together: 'https://api.together.xyz/settings/api-keys',
  openai: 'https://platform.openai.com/account/api-keys',
  r9s: 'https://r9s.ai',
  'ai-stats': 'https://ai-stats.phaseo.app/settings/keys',
};

/** Shows only the ends of a key, as providers do in their 401 messages. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}`;
}

export function missingKey(provider: ProviderName): ApiError {
  return {
    status: 401,
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). " +
      `You can obtain an API key from ${KEY_PAGES[provider]}.`,
    type: provider === 'r9s' ? 'authentication_error' : 'invalid_request_error',
    code: provider === 'together' ? 'invalid_api_key' : null,
    param: null,
    gatewayCode: 'unauthorised',
  };
}

export function invalidKey(provider: ProviderName, key: string): ApiError {
  return {
    status: 401,
    message: `Incorrect API key provided: ${maskKey(key)}. You can find your API key at ${KEY_PAGES[provider]}.`,
    type: provider === 'r9s' ? 'authentication_error' : 'invalid_request_error',
    code: 'invalid_api_key',
    param: null,
    gatewayCode: 'unauthorised',
  };
}

export function invalidJson(): ApiError {
  return {
    status: 400,
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
      'The API expects a JSON payload, but what was sent was not valid JSON.)',
    type: 'invalid_request_error',
    code: null,
    param: null,
    gatewayCode: 'invalid_json',
  };
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/** `'a', 'b', and 'c'` — OpenAI's way of listing supported values. */
export function listValues(values: readonly unknown[]): string {
  const quoted = values.map(quote);
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

export function invalidRequest(message: string, param: string | null, code: string | null, status = 400): ApiError {
  return { status, message, type: 'invalid_request_error', code, param, gatewayCode: 'validation_error' };
}

export function invalidValue(param: string, value: unknown, allowed: readonly unknown[]): ApiError {
  return invalidRequest(
    `Invalid value: ${quote(value)}. Supported values are: ${listValues(allowed)}.`,
    param,
    'invalid_value',
  );
}

export function aboveMaximum(param: string, limit: number, value: unknown): ApiError {
  return invalidRequest(
    `Invalid '${param}': integer above maximum value. Expected a value <= ${limit}, but got ${String(value)} instead.`,
    param,
    'integer_above_max_value',
  );
}

export function belowMinimum(param: string, limit: number, value: unknown): ApiError {
  return invalidRequest(
    `Invalid '${param}': integer below minimum value. Expected a value >= ${limit}, but got ${String(value)} instead.`,
    param,
    'integer_below_min_value',
  );
}

export function unknownParameter(param: string): ApiError {
  return invalidRequest(`Unknown parameter: '${param}'.`, param, 'unknown_parameter');
}

export function unknownModel(provider: ProviderName, model: string, supported: readonly string[]): ApiError {
  switch (provider) {
    case 'together':
      return {
        status: 404,
        message: `Unable to access model ${model}. Please visit https://api.together.ai/models to view the list of supported models.`,
        type: 'invalid_request_error',
        code: 'model_not_available',
        param: 'model',
      };
    case 'openai':
      return invalidValue('model', model, supported);
    case 'r9s':
      return invalidRequest(
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'model',
        'model_not_found',
      );
    case 'ai-stats':
      return {
        status: 400,
        message:
          'Unsupported model or endpoint. Please check https://ai-stats.phaseo.app/models for your model id, or the API Reference at https://docs.ai-stats.phaseo.app/v1/api-reference for valid endpoints.',
        type: 'invalid_request_error',
        code: 'unsupported_model_or_endpoint',
        param: 'model',
        gatewayCode: 'unsupported_model_or_endpoint',
      };
  }
}

export function rateLimited(provider: ProviderName, retryAfterSeconds: number, limit?: number): ApiError {
  const wait = retryAfterSeconds === 0 ? 'now' : `in ${retryAfterSeconds}s`;
  return {
    status: 429,
    message:
      provider === 'together'
        ? `You have been rate limited. Please try again ${wait}.`
        : `Rate limit reached for images per minute${limit ? `: Limit ${limit}` : ''}. Please try again ${wait}.`,
    type: provider === 'openai' ? 'requests' : 'rate_limit_exceeded',
    code: 'rate_limit_exceeded',
    param: null,
    gatewayCode: 'rate_limit_exceeded',
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

export function insufficientQuota(): ApiError {
  return {
    status: 429,
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs.',
    type: 'insufficient_quota',
    code: 'insufficient_quota',
    param: null,
    gatewayCode: 'insufficient_quota',
  };
}

export function serverError(): ApiError {
  return {
    status: 500,
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
    param: null,
    gatewayCode: 'upstream_error',
  };
}

export function serviceUnavailable(): ApiError {
  return {
    status: 503,
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: 'service_unavailable',
    param: null,
    gatewayCode: 'service_unavailable',
  };
}

export function routeNotFound(method: string, path: string): ApiError {
  return {
    status: 404,
    message: `Invalid URL (${method} ${path})`,
    type: 'invalid_request_error',
    code: 'not_found',
    param: null,
    gatewayCode: 'not_found',
  };
}

export function payloadTooLarge(limit: number): ApiError {
  return invalidRequest(`Request body too large: the limit is ${limit} bytes.`, null, 'request_too_large', 413);
}
