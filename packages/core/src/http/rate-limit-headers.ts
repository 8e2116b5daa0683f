import { parseRetryAfter } from './retry-after.js';

/** What an answer's headers say of the request allowance. */
export interface RateLimitInfo {
  /** Requests the window allows in all. */
  limit: number | undefined;
  /** Requests that may still be sent before `resetMs` passes. */
  remaining: number | undefined;
  /** Milliseconds until the allowance is whole again. */
  resetMs: number | undefined;
  /** `Retry-After` / `retry-after-ms`, within 0–60 s. */
  retryAfterMs: number | undefined;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|h|m|s))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;

/**
 * A reset time in ms: OpenAI writes a Go-style duration (`1s`, `6m0s`, `12ms`, `1h2m3.5s`); others write seconds,
 * or a Unix time in seconds. Undefined when unreadable or negative.
 */
export function parseResetMs(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (DURATION.test(text)) {
    let ms = 0;
    for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit as string] as number);
    return ms;
  }
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  // A number this large is a point in time, not a wait.
  return seconds > 1e9 ? Math.max(0, seconds * 1000 - nowMs) : seconds * 1000;
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

/**
 * Reads the request allowance from an answer's headers: OpenAI's `x-ratelimit-limit-requests`,
 * `-remaining-requests` and `-reset-requests` (or their `-images` kin on image limits), else the bare
 * `x-ratelimit-limit` / `-remaining` / `-reset` (Together sends `x-ratelimit-reset`, seconds, on its 429s), and
 * `Retry-After`. Token limits are left aside: image calls are limited by requests (images) per minute.
 */
export function parseRateLimit(headers: Record<string, string | undefined>, nowMs = Date.now()): RateLimitInfo {
  const pick = (what: string) =>
    headers[`x-ratelimit-${what}-requests`] ?? headers[`x-ratelimit-${what}-images`] ?? headers[`x-ratelimit-${what}`];
  const limit = count(pick('limit'));
  const remaining = count(pick('remaining'));
  const resetMs = parseResetMs(pick('reset'), nowMs);
  return { limit, remaining, resetMs, retryAfterMs: parseRetryAfter(headers) };
}
