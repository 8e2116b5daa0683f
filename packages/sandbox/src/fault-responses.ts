import type { ServerResponse } from 'node:http';
import type { FaultSpec } from './fault-plan.js';
import {
  insufficientQuota,
  rateLimited,
  serverError,
  serviceUnavailable,
  type ApiError,
} from './provider-envelopes.js';
import type { ProviderName } from './providers.js';
import { writeChunk } from './http-helpers.js';
import { base64Chunks, type PaddedImage } from './oversized-image.js';

/** Faults answered with an error status before any work is done. */
export function statusFault(provider: ProviderName, fault: FaultSpec): ApiError | undefined {
  switch (fault.fault) {
    case 'rate-limit':
      return rateLimited(provider, Math.max(0, Math.round(fault.retryAfter ?? 1)));
    case 'quota':
      return insufficientQuota();
    case 'server-error':
      return serverError();
    case 'unavailable':
      return serviceUnavailable();
    default:
      return undefined;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Headers and the first part of the body, then a TCP reset. */
export function writeReset(res: ServerResponse, json: string): void {
  const body = Buffer.from(json);
  res.writeHead(200, { ...JSON_HEADERS, 'content-length': body.length });
  const part = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
  res.write(part, () => resetSoon(res));
}

/** Resets the connection after giving the client a moment to read what was sent. */
export function resetSoon(res: ServerResponse): void {
  setTimeout(() => {
    const socket = res.socket;
    if (!socket || socket.destroyed) return;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }, 25);
}

/** The body cut in the middle of its first `b64_json` string, with an honest Content-Length. */
export function truncateJson(json: string): string {
  const marker = '"b64_json":"';
  const start = json.indexOf(marker);
  if (start < 0) return json.slice(0, Math.floor(json.length / 2));
  const valueStart = start + marker.length;
  const valueEnd = json.indexOf('"', valueStart);
  return json.slice(0, valueStart + Math.floor((valueEnd - valueStart) / 2));
}

/** A body that is not JSON (a stray comma opens the data array). */
export function malformJson(json: string): string {
  const broken = json.replace('"data":[', '"data":[,');
  return broken === json ? `${json.slice(0, -1)},}` : broken;
}

/** Base64 with characters outside the alphabet sprinkled in (Node's decoder would silently skip them). */
export function corruptBase64(b64: string): string {
  const chars = b64.split('');
  const step = Math.max(4, Math.floor(chars.length / 64));
  for (let i = 1; i < chars.length; i += step) chars[i] = '*';
  return `${chars.join('')}!@#`;
}

/** Sends a text body with an exact Content-Length. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = JSON_HEADERS,
): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Streams a JSON body whose `placeholder` string is replaced by the base64 of `image`, without building the
 * whole string (or the image) in memory. Content-Length is exact.
 */
export async function streamJsonWithBase64(
  res: ServerResponse,
  json: string,
  placeholder: string,
  image: PaddedImage,
): Promise<void> {
  const at = json.indexOf(placeholder);
  const prefix = Buffer.from(json.slice(0, at));
  const suffix = Buffer.from(json.slice(at + placeholder.length));
  const b64Length = 4 * Math.ceil(image.length / 3);
  res.writeHead(200, { ...JSON_HEADERS, 'content-length': prefix.length + b64Length + suffix.length });
  if (!(await writeChunk(res, prefix))) return;
  for (const piece of base64Chunks(image)) if (!(await writeChunk(res, piece))) return;
  res.end(suffix);
}
