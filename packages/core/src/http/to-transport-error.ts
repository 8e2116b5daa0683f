import { AbortError, ConnectionError, PictorError, TimeoutError } from '../errors/index.js';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/**
 * Maps what undici or the body stream threw during one attempt to Pictor's typed errors: the caller's abort,
 * a timeout, or a connection failure. Pictor's own errors pass through unchanged.
 */
export function toTransportError(
  error: unknown,
  context: { url: string; timeoutMs: number; signal?: AbortSignal | undefined; redact: (text: string) => string },
): PictorError {
  if (PictorError.isInstance(error)) return error;
  if (context.signal?.aborted) return new AbortError('The request was aborted by the caller', { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  const message = context.redact(error instanceof Error ? error.message : String(error));
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    const phase = code === 'UND_ERR_BODY_TIMEOUT' ? 'body data' : code === 'UND_ERR_CONNECT_TIMEOUT' ? 'a connection' : 'response headers';
    return new TimeoutError(`No ${phase} from ${context.url} within ${context.timeoutMs} ms`, {
      cause: error,
      url: context.url,
      timeoutMs: context.timeoutMs,
    });
  }
  return new ConnectionError(`Connection to ${context.url} failed: ${message}${typeof code === 'string' ? ` (${code})` : ''}`, {
    cause: error,
    url: context.url,
  });
}
