import { abortErrorFor } from '../errors/abort-error.js';
import { withoutQuery } from '../errors/download-error.js';
import { DownloadError, PictorError, type DownloadFailure } from '../errors/index.js';
import { timedOutPhase } from '../http/to-transport-error.js';
import type { ResolveHost, Transport, TransportBody, TransportResponse } from '../http/transport.js';
import { checkDownloadTarget } from './download-target.js';

/** Options of {@link downloadImage}. */
export interface DownloadImageOptions {
  /**
   * The transport (usually the client's). Downloads are sent with `purpose: 'download'` and never carry an
   * `Authorization` header, since signed URLs need none and the host may be a third party.
   */
  transport: Transport;
  /** Largest image accepted, in bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Redirects followed (301, 302, 303, 307, 308) before giving up. Default 3. */
  maxRedirects?: number;
  /** Longest wait for the response headers, and between two pieces of the body, in ms. Default 60 000. */
  timeoutMs?: number;
  /**
   * Allow loopback, private, link-local and other non-public addresses (each URL and redirect target is checked
   * before anything is sent to it). Default false.
   */
  allowPrivateAddresses?: boolean;
  /** Resolves host names for that check; without one, only IP literals and well-known names are refused. */
  resolveHost?: ResolveHost | undefined;
  /** Removes secrets (the API key) from what errors say. */
  redact?: ((text: string) => string) | undefined;
  signal?: AbortSignal | undefined;
}

/** An image fetched by {@link downloadImage}. */
export interface DownloadedImage {
  bytes: Buffer;
  /** The `content-type` the server declared, as sent (not checked: sniff the bytes instead). */
  declaredType: string | undefined;
  /** The URL the bytes came from, after redirects. */
  finalUrl: string;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches an image URL returned by the provider with `GET`, over http(s) only, following up to
 * `maxRedirects` redirects by hand (re-checking each target's protocol and address) and refusing bodies over
 * `maxBytes`. Every response body is read or destroyed, so no connection leaks. Errors name URLs without their
 * query, and without the key (`redact`).
 *
 * @throws DownloadError with `reason`: `protocol` (not http/https, before any request), `private-address` (a
 * non-public host, before any request to it), `status` (non-2xx; `status` set), `too-many-redirects`,
 * `too-large` (by `content-length` or while streaming), `timeout`, `network` (refused, reset, closed mid-body).
 * @throws AbortError when `signal` fires.
 */
export async function downloadImage(url: string, options: DownloadImageOptions): Promise<DownloadedImage> {
  try {
    return await fetchImage(url, options);
  } catch (error) {
    throw options.redact && DownloadError.isInstance(error) ? redactDownloadError(error, options.redact) : error;
  }
}

/** The same error, its message and URL cleaned of secrets (a gateway may put the key in an image URL's path). */
function redactDownloadError(error: DownloadError, redact: (text: string) => string): DownloadError {
  const message = redact(error.message);
  const url = redact(error.url);
  if (message === error.message && url === error.url) return error;
  return new DownloadError(message, {
    url,
    reason: error.reason,
    status: error.status,
    attempts: error.attempts,
    cause:
      error.cause === undefined
        ? undefined
        : new Error(redact(error.cause instanceof Error ? error.cause.message : String(error.cause))),
  });
}

async function fetchImage(url: string, options: DownloadImageOptions): Promise<DownloadedImage> {
  const { transport, signal } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? 3;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const policy = { allowPrivateAddresses: options.allowPrivateAddresses ?? false, resolveHost: options.resolveHost };
  let target = httpUrl(url);
  for (let redirects = 0; ; redirects++) {
    if (signal?.aborted) throw abortError(signal);
    const addresses = await checkDownloadTarget(target, policy);
    if (signal?.aborted) throw abortError(signal);
    let response: TransportResponse;
    try {
      response = await transport.send({
        method: 'GET',
        url: target.href,
        headers: { accept: 'image/*, */*;q=0.8' },
        signal,
        timeoutMs,
        purpose: 'download',
        ...(addresses ? { addresses } : {}),
      });
    } catch (error) {
      throw transportError(error, target.href, timeoutMs, signal);
    }
    const { status: statusCode, headers, body } = response;

    if (REDIRECTS.has(statusCode) && headers.location !== undefined) {
      await drain(body, signal);
      const location = headers.location;
      if (redirects >= maxRedirects) {
        throw new DownloadError(`Gave up on ${redact(url)} after ${maxRedirects} redirects`, {
          url,
          reason: 'too-many-redirects',
          status: statusCode,
        });
      }
      target = httpUrl(location, target);
      continue;
    }
    if (statusCode < 200 || statusCode >= 300) {
      await drain(body, signal);
      throw new DownloadError(`Downloading ${redact(target.href)} failed with HTTP ${statusCode}`, {
        url: target.href,
        reason: 'status',
        status: statusCode,
      });
    }

    const declaredLength = Number(headers['content-length']);
    if (declaredLength > maxBytes) {
      await body.discard().catch(() => {});
      throw tooLarge(target.href, maxBytes, `declares ${declaredLength} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      for await (const chunk of body) {
        received += chunk.length;
        if (received > maxBytes) throw tooLarge(target.href, maxBytes, 'kept streaming'); // leaving the loop destroys the body
        chunks.push(chunk);
      }
    } catch (error) {
      throw transportError(error, target.href, timeoutMs, signal);
    }
    return {
      bytes: Buffer.concat(chunks, received),
      declaredType: headers['content-type'],
      finalUrl: target.href,
    };
  }
}

/** Parses `text` (relative to `base` for a redirect) and refuses anything but http and https. */
function httpUrl(text: string, base?: URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(text, base);
  } catch {
    throw new DownloadError(`Not a valid image URL: ${redact(text)}`, { url: text, reason: 'protocol' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    const via = base ? ` (redirected from ${redact(base.href)})` : '';
    throw new DownloadError(`Refusing to download ${redact(parsed.href)}${via}: only http and https are allowed`, {
      url: parsed.href,
      reason: 'protocol',
    });
  }
  return parsed;
}

/** Frees a redirect or error body (the transport reads a short one to the end) and ignores its failures. */
async function drain(body: TransportBody, signal: AbortSignal | undefined): Promise<void> {
  await body.discard().catch(() => {});
  if (signal?.aborted) throw abortError(signal);
}

function tooLarge(url: string, maxBytes: number, detail: string): DownloadError {
  return new DownloadError(`The image at ${redact(url)} is larger than ${maxBytes} bytes (${detail})`, {
    url,
    reason: 'too-large',
  });
}

/** The caller's abort, or the reason the signal carries when it is Pictor's own (a deadline). */
function abortError(signal: AbortSignal, cause: unknown = signal.reason): PictorError {
  return abortErrorFor(signal, 'The image download was aborted', { cause });
}

/** Maps what the transport threw to a `DownloadError` (timeout or network) or the caller's `AbortError`. */
function transportError(error: unknown, url: string, timeoutMs: number, signal: AbortSignal | undefined): PictorError {
  if (PictorError.isInstance(error)) return error;
  if (signal?.aborted) return abortError(signal, error);
  const code = (error as { code?: unknown } | null)?.code;
  const timedOut = timedOutPhase(error) !== undefined;
  const reason: DownloadFailure = timedOut ? 'timeout' : 'network';
  const detail = timedOut
    ? `no data within ${timeoutMs} ms`
    : `${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? ` (${code})` : ''}`;
  return new DownloadError(`Downloading ${redact(url)} failed: ${detail}`, { url, reason, cause: error });
}

/** The URL without its query string and fragment, which may hold a signature: fit for messages. */
const redact = withoutQuery;
