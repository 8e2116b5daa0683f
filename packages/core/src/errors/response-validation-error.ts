import { PictorError, type PictorErrorOptions } from './pictor-error.js';

/**
 * A 2xx answer whose body breaks the dialect's schema: not JSON, truncated JSON, a missing `data` array,
 * an item with neither `b64_json` nor `url`, invalid base64, or bytes that are not an image.
 */
export class ResponseValidationError extends PictorError {
  override readonly isRetryable: boolean;
  readonly requestId: string | undefined;
  readonly status: number | undefined;
  constructor(
    message: string,
    options: PictorErrorOptions & { requestId?: string; status?: number; retryable?: boolean } = {},
  ) {
    super(message, options);
    this.requestId = options.requestId;
    this.status = options.status;
    // A body cut short is a transport accident and worth another try; a well-formed but wrong body is not.
    this.isRetryable = options.retryable ?? false;
  }
}
