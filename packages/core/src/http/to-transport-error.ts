import { abortErrorFor } from '../errors/abort-error.js';
import { ConnectionError, PictorError, TimeoutError } from '../errors/index.js';

/** Timeout codes of undici and Node's sockets, by what did not arrive in time. */
const TIMEOUT_PHASES: Record<string, string> = {
  UND_ERR_HEADERS_TIMEOUT: 'response headers',
  UND_ERR_BODY_TIMEOUT: 'body data',
  UND_ERR_CONNECT_TIMEOUT: 'a connection',
  ETIMEDOUT: 'response headers',
};

/** What did not arrive in time, when `error` is a transport's timeout: an undici code, or an error named `TimeoutError`. */
export function timedOutPhase(error: unknown): string | undefined {
  const { code, name, phase } = (error ?? {}) as { code?: unknown; name?: unknown; phase?: unknown };
  if (typeof code === 'string' && Object.hasOwn(TIMEOUT_PHASES, code)) return TIMEOUT_PHASES[code];
  if (name === 'TimeoutError') return phase === 'body' ? 'body data' : 'response headers';
  return undefined;
}

/**
 * Maps what a transport or a body stream threw during one attempt to Pictor's typed errors: the caller's abort,
 * a timeout, or a connection failure. Pictor's own errors pass through unchanged.
 */
export function toTransportError(
  error: unknown,
  context: { url: string; timeoutMs: number; signal?: AbortSignal | undefined; redact: (text: string) => string },
): PictorError {
  if (PictorError.isInstance(error)) return error;
  if (context.signal?.aborted) return abortErrorFor(context.signal, undefined, { cause: error });
  const phase = timedOutPhase(error);
  if (phase !== undefined) {
    return new TimeoutError(`No ${phase} from ${context.url} within ${context.timeoutMs} ms`, {
      cause: error,
      url: context.url,
      timeoutMs: context.timeoutMs,
    });
  }
  // fetch wraps the socket's error: `TypeError: fetch failed` with the real one as its cause.
  const cause = (error as { cause?: unknown } | null)?.cause;
  const inner = error instanceof TypeError && cause instanceof Error ? cause : error;
  const code = (inner as { code?: unknown } | null)?.code;
  const message = context.redact(inner instanceof Error ? inner.message : String(inner));
  return new ConnectionError(
    `Connection to ${context.url} failed: ${message}${typeof code === 'string' ? ` (${code})` : ''}`,
    {
      cause: error,
      url: context.url,
    },
  );
}
