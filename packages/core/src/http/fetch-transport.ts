import type { Transport, TransportBody, TransportRequest, TransportResponse } from './transport.js';

/** Options of {@link createFetchTransport}. */
export interface FetchTransportOptions {
  /** The WHATWG `fetch` to send through (a wrapped or instrumented one, a runtime's own). Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** The error a timed-out phase rejects with; core turns it into a `TimeoutError`. */
function timeoutError(phase: 'headers' | 'body', ms: number): Error {
  return Object.assign(new Error(`no ${phase === 'headers' ? 'response headers' : 'body data'} within ${ms} ms`), {
    name: 'TimeoutError',
    phase,
  });
}

/**
 * A transport over WHATWG `fetch`, for runtimes where `fetch` is the HTTP client (Deno, Bun, edge runtimes, a
 * browser-like host). `timeoutMs` is an idle limit as with undici: for the headers, then between two chunks of
 * the body. Redirects are not followed (`redirect: 'manual'`): core follows download redirects itself.
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  const fetchImpl = options.fetch ?? fetch;
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(request.signal?.reason);
      if (request.signal?.aborted) onAbort();
      else request.signal?.addEventListener('abort', onAbort, { once: true });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = (phase: 'headers' | 'body'): void => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(timeoutError(phase, request.timeoutMs)), request.timeoutMs);
      };
      const done = (): void => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
      };
      arm('headers');
      let response: Response;
      try {
        response = await fetchImpl(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (error) {
        done();
        throw controller.signal.aborted && !request.signal?.aborted ? controller.signal.reason : error;
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { status: response.status, headers, body: fetchBody(response, arm, done) };
    },
  };
}

function fetchBody(response: Response, arm: (phase: 'body') => void, done: () => void): TransportBody {
  const reader = response.body?.getReader();
  if (!reader) done();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (!reader) return;
    try {
      for (;;) {
        arm('body');
        const { done: finished, value } = await reader.read();
        if (finished) return;
        yield value;
      }
    } finally {
      done();
      // Leaving early (an error, a consumer that stops) cancels the rest; after the end this is a no-op.
      await reader.cancel().catch(() => {});
    }
  }
  const iterator = chunks();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async bytes() {
      const parts: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of iterator) {
        parts.push(chunk);
        size += chunk.length;
      }
      if (parts.length === 1) return parts[0] as Uint8Array;
      const out = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    },
    async discard() {
      await iterator.return(undefined);
      if (reader) await reader.cancel().catch(() => {});
      done();
    },
  };
}
