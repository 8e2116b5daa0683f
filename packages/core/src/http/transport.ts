/**
 * The seam between Pictor and an HTTP stack. Every request core makes — generations, the model list, image
 * downloads — goes through one `Transport`; retries, typed errors, key redaction and response parsing sit above
 * it and are written once. Core ships two (`createUndiciTransport` for Node, `createFetchTransport` wherever
 * `fetch` is the HTTP client); an adapter may pass its host's own (the n8n node sends through n8n's helpers).
 */
export interface Transport {
  /**
   * Sends one request and resolves once the status and headers are in. Rejects when no answer came: with the
   * signal's reason when `signal` fired, with an error named `TimeoutError` (or carrying a timeout `code`) when
   * `timeoutMs` passed, with any other error for a failed connection. A non-2xx status is an answer, not an
   * error. The body must then be read or discarded, or the connection is not freed.
   */
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Frees what the transport holds (sockets); safe to call twice. */
  close?(): Promise<void>;
}

export interface TransportRequest {
  method: 'GET' | 'POST';
  /** Absolute URL. */
  url: string;
  /** Lower-case names. Core adds `authorization` itself when it has a key. */
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  signal?: AbortSignal | undefined;
  /** Longest wait for the headers, and between two pieces of the body. */
  timeoutMs: number;
  /**
   * `api` for calls to the provider (a host's transport may add the credential it holds); `download` for
   * fetching an image URL the provider returned, which must never carry credentials.
   */
  purpose: 'api' | 'download';
  /**
   * For a download: the addresses core resolved the URL's host to and checked (all public). A transport that
   * resolves names itself should connect to one of these and nothing else, so a name that resolves differently
   * a moment later (DNS rebinding) cannot send the request inward; the undici transport does. Absent when the
   * host is an IP literal, when private addresses are allowed, or when the runtime gave no resolver.
   */
  addresses?: string[] | undefined;
}

/** Resolves a host name to its IP addresses (all of them), as `dns.lookup(name, { all: true })` does on Node. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated values joined with `, `. */
  headers: Record<string, string>;
  body: TransportBody;
}

/** A response body: iterate it for chunks as they arrive, or read it whole; either way exactly once. */
export interface TransportBody extends AsyncIterable<Uint8Array> {
  /** The rest of the body, whole. */
  bytes(): Promise<Uint8Array>;
  /** Frees the connection without keeping the body (a short rest is read so the socket can be reused). */
  discard(): Promise<void>;
}

/** A body already held whole (a transport whose host reads bodies itself, or a test). */
export function bytesBody(bytes: Uint8Array): TransportBody {
  let used = false;
  const take = (): Uint8Array => {
    const out = used ? new Uint8Array(0) : bytes;
    used = true;
    return out;
  };
  return {
    bytes: async () => take(),
    discard: async () => {
      used = true;
    },
    async *[Symbol.asyncIterator]() {
      const chunk = take();
      if (chunk.length > 0) yield chunk;
    },
  };
}
