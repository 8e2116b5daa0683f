import type { Sleep, Transport, TransportBody, TransportRequest, TransportResponse } from '@pictor/core/kernel';
import { sleep, type IExecuteFunctions, type IHttpRequestOptions, type ILoadOptionsFunctions } from 'n8n-workflow';

type NodeContext = IExecuteFunctions | ILoadOptionsFunctions;

/** What n8n's helpers answer with `returnFullResponse` and `encoding: 'stream'`. */
interface FullResponse {
  statusCode: number;
  headers: Record<string, unknown> & { toJSON?: () => Record<string, unknown> };
  body: AsyncIterable<Uint8Array> & { destroy?: () => void };
}

/**
 * Core's requests through n8n's own HTTP stack, so the instance's proxy, SSL and credential settings apply: calls
 * to the provider go through `httpRequestWithAuthentication('pictorApi', …)` — the credential adds the bearer
 * header, core's own is dropped — and image downloads through plain `httpRequest`, with no credential. HTTP
 * errors come back as answers (core's typed errors and retries handle them), bodies as streams (core decodes
 * base64 as it arrives), redirects are left to core.
 */
export function n8nTransport(context: NodeContext): Transport {
  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      const { authorization: _fromCore, ...headers } = request.headers;
      const options: IHttpRequestOptions = {
        method: request.method,
        url: request.url,
        headers: request.purpose === 'api' ? headers : request.headers,
        body: requestBody(request.body),
        json: false,
        encoding: 'stream',
        returnFullResponse: true,
        ignoreHttpStatusErrors: true,
        disableFollowRedirect: true,
        timeout: request.timeoutMs,
        abortSignal: request.signal,
      };
      let response: FullResponse;
      try {
        response = (
          request.purpose === 'api'
            ? await context.helpers.httpRequestWithAuthentication.call(context, 'pictorApi', options)
            : await context.helpers.httpRequest(options)
        ) as FullResponse;
      } catch (error) {
        throw transportFailure(error);
      }
      return { status: response.statusCode, headers: flatHeaders(response.headers), body: streamBody(response.body) };
    },
  };
}

/**
 * Bytes (a multipart edit) go to n8n as a Buffer over the same memory, no copy. A Buffer, because n8n hands the
 * body to axios, which sends a Buffer as it is but a plain Uint8Array as its whole underlying ArrayBuffer (wrong
 * for a view into a larger one). With `json: false` and core's own `content-type` (its boundary) n8n sets no
 * content type and serialises nothing: the body goes out byte for byte.
 */
function requestBody(body: TransportRequest['body']): string | Buffer | undefined {
  if (typeof body === 'string' || body === undefined) return body;
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** n8n-workflow's `sleep`, cut short when the signal fires (the node touches no timer of its own). */
export const n8nSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    void sleep(ms).then(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
  });

function flatHeaders(raw: FullResponse['headers']): Record<string, string> {
  const plain = typeof raw.toJSON === 'function' ? raw.toJSON() : raw;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(plain)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function streamBody(stream: FullResponse['body']): TransportBody {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      yield* stream;
    } catch (error) {
      throw transportFailure(error);
    }
  }
  const iterator = chunks();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async bytes() {
      const parts: Uint8Array[] = [];
      for await (const chunk of iterator) parts.push(chunk);
      return Buffer.concat(parts);
    },
    async discard() {
      stream.destroy?.();
    },
  };
}

/** axios's timeout codes, as core's transports name a timeout: an error called `TimeoutError`. */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/** n8n wraps the socket's error (axios's, with its `code`) in its own; core wants the code to tell a timeout. */
function transportFailure(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (error as { code?: unknown } | null)?.code ?? (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    return Object.assign(new Error('no answer in time'), { name: 'TimeoutError', code });
  }
  // A wrapper without a code of its own: its cause says what happened on the socket.
  return typeof code === 'string' && (error as { code?: unknown } | null)?.code === undefined ? cause : error;
}
