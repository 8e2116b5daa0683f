import { PictorError, type PictorErrorOptions } from './pictor-error.js';

/** The caller's `AbortSignal` fired. Never retried. */
export class AbortError extends PictorError {
  constructor(message = 'The request was aborted', options: PictorErrorOptions = {}) {
    super(message, options);
  }
}
