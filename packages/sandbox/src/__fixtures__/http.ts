import { request, type IncomingHttpHeaders } from 'node:http';
import sharp from 'sharp';

export interface JsonResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** POSTs JSON with a bearer token (unless `authorization` is overridden) and reads the answer. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: 'Bearer test-key', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function getJson(
  url: string,
  headers: Record<string, string> = { authorization: 'Bearer test-key' },
): Promise<JsonResponse> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

/** Format and size of encoded image bytes. */
export async function imageInfo(bytes: Buffer): Promise<{ format: string; width: number; height: number }> {
  const meta = await sharp(bytes).metadata();
  return { format: meta.format ?? '?', width: meta.width ?? 0, height: meta.height ?? 0 };
}

export interface RawOutcome {
  status?: number;
  headers?: IncomingHttpHeaders;
  /** Body bytes received before the end or the failure. */
  received: Buffer;
  /** Whether the response ended cleanly. */
  complete: boolean;
  error?: NodeJS.ErrnoException;
  /** Whether `headersTimeoutMs` passed before the headers came. */
  timedOut?: boolean;
}

/** A POST over node:http that reports exactly what arrived, including resets and timeouts. */
export function rawPost(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  options: { headersTimeoutMs?: number } = {},
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    let head: Pick<RawOutcome, 'status' | 'headers'> = {};
    const done = (outcome: Omit<RawOutcome, 'received'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...head, ...outcome, received: Buffer.concat(chunks) });
    };
    let timer: NodeJS.Timeout | undefined;
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: 'Bearer test-key', 'content-type': 'application/json', ...headers },
      },
      (res) => {
        clearTimeout(timer);
        head = { status: res.statusCode, headers: res.headers };
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode, headers: res.headers, complete: true }));
        res.on('error', (error) => done({ status: res.statusCode, headers: res.headers, complete: false, error }));
        res.on('aborted', () => done({ status: res.statusCode, headers: res.headers, complete: false }));
        res.on('close', () => done({ status: res.statusCode, headers: res.headers, complete: res.complete }));
      },
    );
    req.on('error', (error) => done({ complete: false, error }));
    if (options.headersTimeoutMs !== undefined) {
      timer = setTimeout(() => {
        req.destroy();
        done({ complete: false, timedOut: true });
      }, options.headersTimeoutMs);
    }
    req.end(JSON.stringify(body));
  });
}
