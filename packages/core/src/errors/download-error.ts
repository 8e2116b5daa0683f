import { PictorError, type PictorErrorOptions } from './pictor-error.js';

export type DownloadFailure =
  'status' | 'too-large' | 'too-many-redirects' | 'protocol' | 'private-address' | 'network' | 'timeout' | 'not-image';

/** A URL without its query and fragment, where signed URLs keep their signature and some gateways a key. */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : `${url.slice(0, cut)}?…`;
}

/**
 * Fetching an image URL returned by the provider failed (expired URL, too large, not http(s), an internal
 * address, …). `url` never holds the URL's query or fragment.
 */
export class DownloadError extends PictorError {
  /** The URL that failed, without its query or fragment (`?…` marks one that was cut). */
  readonly url: string;
  readonly reason: DownloadFailure;
  readonly status: number | undefined;
  override readonly isRetryable: boolean;
  constructor(
    message: string,
    options: PictorErrorOptions & { url: string; reason: DownloadFailure; status?: number },
  ) {
    super(message, options);
    this.url = withoutQuery(options.url);
    this.reason = options.reason;
    this.status = options.status;
    this.isRetryable = options.reason === 'network' || options.reason === 'timeout' || (options.status ?? 0) >= 500;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), url: this.url, reason: this.reason, status: this.status };
  }
}
