import {
  AbortError,
  APIError,
  AuthenticationError,
  BudgetExceededError,
  ConnectionError,
  DownloadError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  ValidationError,
} from '@pictor/core';
import { UsageError } from './usage-error.js';

/** The exit codes of every `pictor` command (also listed in `pictor --help` and the README). */
export const EXIT = {
  ok: 0,
  /** Anything not covered below. */
  other: 1,
  /** Bad command line, bad option value, invalid request or batch file; nothing was sent. */
  usage: 2,
  /** The provider refused the API key (401) or the key may not do this (403). */
  auth: 3,
  /** Rate limited (429) after the retries, or the account's quota is exhausted. */
  rateLimit: 4,
  /** Any other provider failure: an error status, a broken response, a failed download, no connection. */
  provider: 5,
  /**
   * Some images (or some prompts of a batch) failed, or `--max-cost` stopped calls before they were sent; whatever
   * was made is saved.
   */
  partial: 6,
  /** Interrupted with Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    unexpected error
  2    usage or validation error (nothing was sent)
  3    authentication or permission refused (401/403)
  4    rate limit or quota exhausted (429)
  5    provider error (other HTTP status, bad response, download, connection or timeout)
  6    partial success: some images or prompts failed, or --max-cost stopped calls; what was made is saved
  130  interrupted (Ctrl-C); finished images and the manifest are kept`;

/** The exit code for an error, by its class. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || ValidationError.isInstance(error)) return EXIT.usage;
  if (AuthenticationError.isInstance(error) || PermissionDeniedError.isInstance(error)) return EXIT.auth;
  if (RateLimitError.isInstance(error)) return EXIT.rateLimit;
  // The budget did its job: a call was refused before it was sent, and everything made before it is kept.
  if (BudgetExceededError.isInstance(error)) return EXIT.partial;
  if (AbortError.isInstance(error)) return EXIT.interrupted;
  if (
    APIError.isInstance(error) ||
    ResponseValidationError.isInstance(error) ||
    DownloadError.isInstance(error) ||
    ConnectionError.isInstance(error)
  ) {
    return EXIT.provider;
  }
  return EXIT.other;
}
