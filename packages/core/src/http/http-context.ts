import type { Dispatcher } from 'undici';

/** Everything one HTTP exchange with the provider needs; built once per client. */
export interface HttpContext {
  dispatcher: Dispatcher;
  /** Base URL without a trailing slash, e.g. `https://api.together.xyz/v1`. */
  baseURL: string;
  /** Headers sent on every call, the bearer token included. */
  headers: Record<string, string>;
  /** Per-attempt limit for headers to arrive and between body chunks. */
  timeoutMs: number;
  /** Largest response body read, in bytes. */
  maxResponseBytes: number;
  redact: (text: string) => string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Dispatcher.ResponseData['body'];
  url: string;
}
