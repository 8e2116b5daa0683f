import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/** The random part of the key: what must never show up, whole or in part. */
export const KEY_SECRET = randomBytes(16).toString('hex');

/** A recognisable API key for the hygiene tests. */
export const KEY = `sk-pictor-LEAKCHECK-${KEY_SECRET}`;

/** The key the sandbox wants instead, so every front door meets a 401. */
export const SANDBOX_KEY = `sk-sandbox-right-${randomBytes(8).toString('hex')}`;

/**
 * Where `text` gives any of `key` away: the whole key, its recognisable middle, or any 8 characters in a row of
 * its random part (a key cut short is still a leak). A provider's own masking (`sk-***…abcd`: 4 characters)
 * stays below that.
 */
export function leaksIn(text: string, key = KEY, secret = KEY_SECRET): string[] {
  const found: string[] = [];
  if (text.includes(key)) found.push('the whole key');
  if (text.includes('LEAKCHECK-')) found.push('the key with its marker');
  for (let i = 0; i + 8 <= secret.length; i++) {
    const window = secret.slice(i, i + 8);
    if (text.includes(window)) {
      found.push(`8 characters of the key (${window})`);
      break;
    }
  }
  return found;
}

/** Everything a person or a log could see of an error: message, String, stack, JSON, toJSON, inspect, causes. */
export function errorRenderings(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const safe = (f: () => unknown): string => {
    try {
      return String(f());
    } catch (e) {
      return `<threw ${(e as Error).message}>`;
    }
  };
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    const at = depth === 0 ? 'error' : `cause[${depth}]`;
    const e = current as { message?: unknown; stack?: unknown; toJSON?: () => unknown; cause?: unknown };
    out[`${at}.message`] = safe(() => e.message);
    out[`String(${at})`] = safe(() => String(current));
    out[`${at}.stack`] = safe(() => e.stack);
    out[`JSON.stringify(${at})`] = safe(() => JSON.stringify(current));
    if (typeof e.toJSON === 'function') out[`${at}.toJSON()`] = safe(() => JSON.stringify(e.toJSON?.()));
    current = typeof current === 'object' ? e.cause : undefined;
  }
  out['inspect(error, depth 10)'] = inspect(error, { depth: 10 });
  out['inspect(error, depth 10, showHidden)'] = safe(() =>
    inspect(error, { depth: 10, showHidden: true, maxArrayLength: 50, maxStringLength: 100_000 }),
  );
  return out;
}

/** `{ where: what leaked }` for every rendering of every error that gives the key away. */
export function errorLeaks(errors: Record<string, unknown>, key = KEY, secret = KEY_SECRET): Record<string, string[]> {
  const leaks: Record<string, string[]> = {};
  for (const [label, error] of Object.entries(errors)) {
    for (const [how, text] of Object.entries(errorRenderings(error))) {
      const found = leaksIn(text, key, secret);
      if (found.length) leaks[`${label} → ${how}`] = found;
    }
  }
  return leaks;
}
