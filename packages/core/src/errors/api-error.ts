import { PictorError } from './pictor-error.js';

export interface APIErrorInit {
  status: number;
  /** The provider's own message, parsed from its error envelope (redacted of the key). */
  providerMessage?: string;
  /** The provider's error type/code, e.g. `insufficient_quota`, `invalid_request_error`. */
  type?: string;
  code?: string;
  param?: string;
  requestId?: string;
  attempts?: number;
  /** Response headers (lower-cased names); authorization never appears here. */
  headers?: Record<string, string>;
  url?: string;
}

/** The provider answered with a non-2xx status. Subclasses name the status. */
export class APIError extends PictorError {
  readonly status: number;
  readonly providerMessage: string | undefined;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  readonly headers: Record<string, string>;
  readonly url: string | undefined;

  constructor(init: APIErrorInit) {
    const detail = init.providerMessage ? `: ${init.providerMessage}` : '';
    const id = init.requestId ? ` (request ${init.requestId})` : '';
    super(`${init.status} ${describeStatus(init.status)}${detail}${id}`, { attempts: init.attempts });
    this.status = init.status;
    this.providerMessage = init.providerMessage;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.requestId = init.requestId;
    this.headers = init.headers ?? {};
    this.url = init.url;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      providerMessage: this.providerMessage,
      type: this.type,
      code: this.code,
      param: this.param,
      requestId: this.requestId,
    };
  }
}

function describeStatus(status: number): string {
  const names: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    408: 'Request Timeout',
    409: 'Conflict',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return names[status] ?? 'HTTP error';
}
