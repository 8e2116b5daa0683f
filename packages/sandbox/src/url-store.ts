import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RenderSpec } from './render-image.js';

/** What a signed URL points at. */
export interface StoredImage {
  spec: RenderSpec;
  /** Serve the image padded to this many bytes (the `oversized` fault in url mode). */
  oversizedBytes?: number;
  /** The encoded image, for pictures that cannot be rendered again from `spec` alone (edits of uploads). */
  bytes?: Buffer;
  /** Add C2PA content credentials to the image rendered from `spec` (stored `bytes` already carry theirs). */
  contentCredentials?: boolean;
}

export interface IssuedUrl {
  /** Path and query, to append to the sandbox origin. */
  path: string;
  expiresAt: number;
}

export type ResolveResult =
  | { ok: true; image: StoredImage }
  | { ok: false; status: 403 | 404; code: 'AuthenticationFailed' | 'BlobNotFound'; detail: string };

/** Path prefix of the image files the sandbox serves. */
export const FILES_PATH = '/files/';

/** Default bound of the store: an estimate of the memory its entries take. */
export const DEFAULT_URL_STORE_MAX_BYTES = 64 * 1024 * 1024;

/** Estimated memory of one entry: the prompt (UTF-16), the bytes it holds, if any, and the objects around it. */
function entryBytes(image: StoredImage): number {
  return 512 + 2 * image.spec.prompt.length + (image.bytes?.length ?? 0);
}

/**
 * Signed, expiring image URLs, shaped like a blob store's SAS URLs (`?se=<expiry>&sig=<hmac>`): past its
 * expiry, or with a wrong signature, a URL is refused with 403 like such a store refuses it.
 *
 * Bounded: past `maxBytes` (an estimate, mostly prompts) the oldest URLs are forgotten and answer 404, as a
 * deleted blob would. Expired URLs are forgotten at once: their expiry alone answers 403.
 */
export class UrlStore {
  readonly #secret = randomBytes(32);
  // Insertion order is expiry order (one TTL for all), so a plain Map drops the oldest and the expired from its front.
  readonly #images = new Map<string, { image: StoredImage; expiresAt: number; bytes: number }>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    options: { maxBytes?: number } = {},
  ) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_URL_STORE_MAX_BYTES;
  }

  /** Number of images held. */
  get size(): number {
    return this.#images.size;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Issues a URL path for an image; `expired` issues one whose expiry has already passed. */
  issue(image: StoredImage, options: { expired?: boolean } = {}): IssuedUrl {
    const id = randomBytes(12).toString('base64url');
    const now = this.now();
    const expiresAt = options.expired ? now - 1000 : now + this.ttlMs;
    if (!options.expired) {
      const bytes = entryBytes(image);
      this.#images.set(id, { image, expiresAt, bytes });
      this.#bytes += bytes;
    }
    this.#prune(now);
    const se = new Date(expiresAt).toISOString();
    const sig = this.#sign(id, se);
    const path = `${FILES_PATH}${id}.${image.spec.format === 'jpeg' ? 'jpeg' : image.spec.format}`;
    return { path: `${path}?se=${encodeURIComponent(se)}&sp=r&sig=${sig}`, expiresAt };
  }

  /** Checks a requested file path and its query. */
  resolve(pathname: string, query: URLSearchParams): ResolveResult {
    const name = pathname.slice(FILES_PATH.length);
    const id = name.replace(/\.[a-z]+$/, '');
    const se = query.get('se') ?? '';
    const sig = query.get('sig') ?? '';
    const expected = this.#sign(id, se);
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
      return {
        ok: false,
        status: 403,
        code: 'AuthenticationFailed',
        detail: 'Signature did not match. String to sign used was r',
      };
    }
    const expiry = Date.parse(se);
    const now = this.now();
    if (!Number.isFinite(expiry) || expiry <= now) {
      return {
        ok: false,
        status: 403,
        code: 'AuthenticationFailed',
        detail: `Signed expiry time [${new Date(expiry).toUTCString()}] has to be after current time [${new Date(now).toUTCString()}]`,
      };
    }
    const entry = this.#images.get(id);
    if (!entry) return { ok: false, status: 404, code: 'BlobNotFound', detail: 'The specified blob does not exist.' };
    return { ok: true, image: entry.image };
  }

  #sign(id: string, se: string): string {
    return createHmac('sha256', this.#secret).update(`${id}\n${se}`).digest('base64url');
  }

  /** Forgets expired URLs, then the oldest ones while over the bound (the newest always stays). */
  #prune(now: number): void {
    for (const [id, entry] of this.#images) {
      if (entry.expiresAt > now && (this.#bytes <= this.#maxBytes || this.#images.size === 1)) break;
      this.#images.delete(id);
      this.#bytes -= entry.bytes;
    }
  }
}

/** The XML body a blob store answers a refused URL with. */
export function blobErrorXml(code: string, detail: string, requestId: string): string {
  const message =
    code === 'BlobNotFound'
      ? 'The specified blob does not exist.'
      : 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.';
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<Error><Code>${code}</Code><Message>${message}\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message>` +
    (code === 'BlobNotFound' ? '' : `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>`) +
    '</Error>'
  );
}
