import { isProviderName, type ProviderName } from './providers.js';

/** A parsed request target. */
export interface RequestTarget {
  url: URL;
  /** The `host[:port]` of an absolute-form target (`GET http://host/path`), which takes the Host header's place. */
  authority?: string;
}

const BASE = 'http://sandbox.invalid';

/**
 * Parses `req.url`. An origin-form target (`/path?query`) is read as a path even when it starts with `//`; an
 * absolute-form one must be a valid http URL. Anything else (`*`, `http://[/`) gives undefined: a 400.
 */
export function parseRequestTarget(raw: string | undefined): RequestTarget | undefined {
  const target = raw ?? '/';
  try {
    if (target.startsWith('/')) return { url: new URL(`${BASE}${target}`) };
    if (/^https?:\/\//i.test(target)) {
      const url = new URL(target);
      return { url, authority: url.host };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** A percent-encoded path segment decoded, or undefined when its escapes are not valid UTF-8 percent-encoding. */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The stand-in a raw request target is addressed to, if one can be read from it (to answer in its envelope). */
export function providerIn(raw: string | undefined): ProviderName | undefined {
  const name = /\/([a-z0-9-]+)\/v1(?:[/?#]|$)/.exec(raw ?? '')?.[1];
  return name !== undefined && isProviderName(name) ? name : undefined;
}
