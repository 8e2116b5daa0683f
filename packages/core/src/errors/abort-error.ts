import { PictorError, type PictorErrorOptions } from './pictor-error.js';

/** The caller's `AbortSignal` fired. Never retried. */
export class AbortError extends PictorError {
  constructor(message = 'The request was aborted', options: PictorErrorOptions = {}) {
    super(message, options);
  }
}

/**
 * The error for a fired signal: its reason when that is one of Pictor's own errors (a generation's deadline
 * aborts with a `TimeoutError`), otherwise an `AbortError` — the caller cancelled.
 */
export function abortErrorFor(
  signal: AbortSignal | undefined,
  message = 'The request was aborted by the caller',
  options: PictorErrorOptions = {},
): PictorError {
  const reason: unknown = signal?.reason;
  if (PictorError.isInstance(reason)) {
    if (options.attempts !== undefined) reason.attempts = options.attempts;
    return reason;
  }
  return new AbortError(message, options);
}
