/**
 * The wait the server asked for, in milliseconds: `retry-after-ms`, else `retry-after` as seconds or an
 * HTTP date. Undefined when absent, unreadable, or outside 0–60 s (then backoff applies).
 */
export function parseRetryAfter(headers: Record<string, string | undefined>, now = Date.now()): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0 && value <= 60_000) return value;
  }
  const after = headers['retry-after'];
  if (after === undefined || after.trim() === '') return undefined;
  const seconds = Number(after);
  let value: number | undefined;
  if (Number.isFinite(seconds)) value = seconds * 1000;
  else {
    const date = Date.parse(after);
    if (!Number.isNaN(date)) value = date - now;
  }
  if (value === undefined || value < 0 || value > 60_000) return undefined;
  return value;
}
