import { PictorError, type PictorErrorOptions } from './pictor-error.js';

/** The request never got a complete HTTP answer: refused, reset, DNS failure, socket closed mid-body. */
export class ConnectionError extends PictorError {
  override readonly isRetryable: boolean = true;
  readonly url: string | undefined;
  constructor(message: string, options: PictorErrorOptions & { url?: string } = {}) {
    super(message, options);
    this.url = options.url;
  }
}

/** No headers or no further body bytes arrived within the client's `timeoutMs`. */
export class TimeoutError extends ConnectionError {
  readonly timeoutMs: number;
  constructor(message: string, options: PictorErrorOptions & { url?: string; timeoutMs: number }) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
  }
}
