import { PictorError, type PictorErrorOptions } from './pictor-error.js';

export type DownloadFailure = 'status' | 'too-large' | 'too-many-redirects' | 'protocol' | 'network' | 'timeout' | 'not-image';

/** Fetching an image URL returned by the provider failed (expired URL, too large, not http(s), …). */
export class DownloadError extends PictorError {
  readonly url: string;
  readonly reason: DownloadFailure;
  readonly status: number | undefined;
  override readonly isRetryable: boolean;
  constructor(
    message: string,
    options: PictorErrorOptions & { url: string; reason: DownloadFailure; status?: number },
  ) {
    super(message, options);
    this.url = options.url;
    this.reason = options.reason;
    this.status = options.status;
    this.isRetryable = options.reason === 'network' || options.reason === 'timeout' || (options.status ?? 0) >= 500;
  }

  override toJSON(): Record<string, unknown> {
    // Signed URLs carry their signature in the query: logs get the URL without it.
    const cut = this.url.search(/[?#]/);
    const url = cut === -1 ? this.url : `${this.url.slice(0, cut)}?…`;
    return { ...super.toJSON(), url, reason: this.reason, status: this.status };
  }
}
