import type { Transport, TransportBody } from './transport.js';

/** Everything one HTTP exchange with the provider needs; built once per client. */
export interface HttpContext {
  transport: Transport;
  /** Base URL without a trailing slash, e.g. `https://api.together.xyz/v1`. */
  baseURL: string;
  /** Headers sent on every call, the bearer token included. */
  headers: Record<string, string>;
  /** Per-attempt limit for headers to arrive and between body chunks. */
  timeoutMs: number;
  /** Largest response body read, in bytes. */
  maxResponseBytes: number;
  redact: (text: string) => string;
  /** Waits between retries; rejects when `signal` fires. Injected: the kernel touches no timer. */
  sleep: Sleep;
  /** A monotonic clock in milliseconds, for durations. */
  now: () => number;
  /** Told of every API answer's status, headers and time to headers (the adaptive concurrency limit reads them). */
  observe?: ((answer: { status: number; headers: Record<string, string>; latencyMs?: number }) => void) | undefined;
  /** Waits until the provider's allowance lets a request go (the adaptive limit's pacing); every attempt asks. */
  admit?: ((signal?: AbortSignal) => Promise<void> | undefined) | undefined;
}

/** Resolves after `ms`, or rejects as soon as `signal` fires. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: TransportBody;
  /** Origin and path, without the query: what errors name. */
  url: string;
}
