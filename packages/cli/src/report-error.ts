import {
  AbortError,
  APIError,
  AuthenticationError,
  BudgetExceededError,
  ConnectionError,
  DownloadError,
  PermissionDeniedError,
  PictorError,
  QuotaExceededError,
  RateLimitError,
  ResponseValidationError,
  TimeoutError,
  ValidationError,
} from '@pictor/core';
import { FLAG_OF_FIELD } from './command-options.js';
import { exitCodeFor } from './exit-codes.js';
import type { Terminal } from './terminal.js';

/** What the command knew when the error happened, for a helpful line. */
export interface ErrorContext {
  /** Where requests went, e.g. `Together AI`. */
  label?: string;
  /** What the key came from, e.g. `TOGETHER_API_KEY`. */
  keySource?: string;
  verbose?: boolean;
  /** Also print `{ "error": … }` on stdout. */
  json?: boolean;
  /** How this command's own arguments are named in validation errors, by request field (`images.1`, `mask`). */
  fields?: Record<string, string>;
}

/** The flag or argument a request field came from: `images.1.size` → `image 2 (b.png).size`. */
function fieldName(field: string, own: Record<string, string> = {}): string | undefined {
  const parts = field.split('.');
  for (let n = parts.length; n > 0; n--) {
    const head = parts.slice(0, n).join('.');
    const name = own[head] ?? FLAG_OF_FIELD[head];
    if (name) return [name, ...parts.slice(n)].join('.');
  }
  return undefined;
}

function validationLine(error: ValidationError, fields?: Record<string, string>): string {
  const subject = /^Invalid ([^:]+):/.exec(error.message)?.[1] ?? 'request';
  const issues = error.issues.map((i) => `${fieldName(i.field, fields) ?? (i.field || subject)}: ${i.message}`);
  return `invalid ${subject}: ${issues.join('; ')}`;
}

/** The one line that explains an error, without the `pictor: error:` prefix. */
export function describeError(error: unknown, context: ErrorContext = {}): string {
  const by = context.label ?? 'the provider';
  if (ValidationError.isInstance(error)) return validationLine(error, context.fields);
  if (AuthenticationError.isInstance(error)) {
    const hint = context.keySource ? `; check ${context.keySource}` : '';
    return `${by} refused the API key: ${error.message}${hint}`;
  }
  if (PermissionDeniedError.isInstance(error)) return `${by} does not allow this key to do that: ${error.message}`;
  if (QuotaExceededError.isInstance(error)) return `${by} says the account's quota is exhausted: ${error.message}`;
  if (RateLimitError.isInstance(error)) {
    return `${by} rate-limited the request after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}: ${error.message}; try again later or lower the concurrency`;
  }
  if (APIError.isInstance(error)) return `${by} answered ${error.message}`;
  if (ResponseValidationError.isInstance(error)) {
    const id = error.requestId && !error.message.includes(error.requestId) ? ` (request ${error.requestId})` : '';
    return `${by} sent a response Pictor cannot use: ${error.message}${id}`;
  }
  if (DownloadError.isInstance(error)) return `could not download an image from ${by}: ${error.message}`;
  if (TimeoutError.isInstance(error))
    return `${by} did not answer in time: ${error.message}; raise --timeout for slow models`;
  if (ConnectionError.isInstance(error)) return `could not reach ${by}: ${error.message}`;
  if (AbortError.isInstance(error)) return 'interrupted';
  if (BudgetExceededError.isInstance(error)) return `${error.message} (raise --max-cost to allow it)`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    lines.push(depth === 0 ? text : `Caused by: ${text}`);
    if (PictorError.isInstance(current)) lines.push(`Details: ${JSON.stringify(current.toJSON())}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines;
}

/** Prints an error as one `pictor: error:` line (plus the stack and causes with `--verbose`) and returns its exit code. */
export function reportError(term: Terminal, error: unknown, context: ErrorContext = {}): number {
  const code = exitCodeFor(error);
  const line = describeError(error, context);
  term.error(line);
  if (context.verbose) for (const text of causeChain(error)) term.info(text);
  if (context.json) {
    const detail = PictorError.isInstance(error)
      ? error.toJSON()
      : { name: error instanceof Error ? error.name : 'Error' };
    term.json({ error: { ...detail, message: line, exitCode: code } });
  }
  return code;
}
