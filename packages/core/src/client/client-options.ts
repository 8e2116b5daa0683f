import { priceEntriesSchema, type PriceEntry } from '../cost/price-table.js';
import * as z from 'zod/v4/mini';
import { ValidationError } from '../errors/index.js';
import { MAX_DEADLINE_MS } from './with-deadline.js';
import { toFieldIssues } from '../request/image-request.js';
import {
  PROVIDER_NAMES,
  PROVIDERS,
  type Dialect,
  type ProviderName,
  type ProviderPreset,
} from '../request/providers.js';
import type { RetryEvent } from '../http/with-retries.js';

/**
 * Options of `createPictorClient`, on every entry. Core reads no environment variable: adapters pass what they
 * read. How requests are sent (the transport) is given beside these, per entry.
 */
export interface PictorClientOptions {
  /** Which provider preset to use. Default `together`. */
  provider?: ProviderName;
  /** Bearer token. Required for every provider but `sandbox` and `custom`. Never appears in errors or logs. */
  apiKey?: string;
  /** Overrides the preset's base URL (required for `custom`). */
  baseURL?: string;
  /** Wire dialect for `custom` (default `openai`). */
  dialect?: Dialect;
  /** Model used when a request names none (overrides the preset's default). */
  model?: string;
  /** Per-attempt limit for headers to arrive and between body chunks. Default 10 minutes: image models are slow. */
  timeoutMs?: number;
  /**
   * The longest one `generate()` or `listModels()` may take in all — every call, retry, wait and download — however
   * steadily bytes arrive (`timeoutMs` only bounds the silences). Default 30 minutes; `generate()` may lower it.
   */
  deadlineMs?: number;
  /** Retries after the first attempt, for connection errors, 408, 409, 429 and 5xx. Default 2. */
  maxRetries?: number;
  /** Backoff when the server gives no Retry-After. Defaults 500 ms doubling up to 8 s. */
  retryDelay?: { initialMs?: number; maxMs?: number };
  /**
   * The most HTTP calls this client has in flight at once (batches above the per-call maximum). With the adaptive
   * limit (the default) calls start 4 at a time and the limit follows the provider's allowance up to this cap
   * (default 16); with `adaptiveConcurrency: false` it is a fixed cap (default 4).
   */
  concurrency?: number;
  /**
   * Follow the provider's allowance: raise concurrency while calls succeed, halve it on a 429, hold new calls for
   * `Retry-After` and pace them by the rate-limit headers. Shared by every client of the process with the same
   * base URL and key. Default true.
   */
  adaptiveConcurrency?: boolean;
  /** Extra headers on every call. */
  headers?: Record<string, string>;
  /** Limits for fetching image URLs. Defaults: 64 MiB, 3 redirects, 60 s, public addresses only. */
  download?: {
    maxBytes?: number;
    maxRedirects?: number;
    timeoutMs?: number;
    /**
     * Fetch image URLs on loopback, private, link-local (cloud metadata) and other non-public addresses. Off by
     * default unless the base URL's own host is loopback, private or internal (the sandbox, a self-hosted gateway):
     * a provider's answer must not make a server fetch from its own network.
     */
    allowPrivateAddresses?: boolean;
  };
  /** Largest response body read. Default 512 MiB. */
  maxResponseBytes?: number;
  /** Told before every retry. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * The most this client may spend, in USD, over all its calls: a call whose estimated cost would pass it is not
   * sent (`BudgetExceededError`). Needs a price for the model (the defaults or `prices`).
   */
  maxCost?: number;
  /** Prices of your own, before the built-in table (`DEFAULT_PRICES`): negotiated rates, a gateway's, a new model. */
  prices?: PriceEntry[];
}

/** Visible ASCII: what a bearer token is made of; a line break or NUL in it would split or break the header. */
const TOKEN = /^[\x21-\x7e]+$/;
/** Whether `text` can be a header value (RFC 9110 field-value): no control character but tab. */
function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}

const optionsSchema = z.strictObject({
  provider: z._default(z.enum(PROVIDER_NAMES as [ProviderName, ...ProviderName[]]), 'together'),
  apiKey: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'must not be empty'),
        z.regex(TOKEN, 'must be printable ASCII without spaces, line breaks or control characters'),
      ),
  ),
  baseURL: z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  dialect: z.optional(z.enum(['together', 'openai'])),
  model: z.optional(z.string().check(z.trim(), z.minLength(1))),
  timeoutMs: z._default(z.number().check(z.int(), z.positive(), z.maximum(3_600_000)), 600_000),
  deadlineMs: z._default(z.number().check(z.int(), z.positive(), z.maximum(MAX_DEADLINE_MS)), 30 * 60_000),
  maxRetries: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(10)), 2),
  retryDelay: z.optional(
    z.object({
      initialMs: z.optional(z.number().check(z.minimum(0))),
      maxMs: z.optional(z.number().check(z.minimum(0))),
    }),
  ),
  concurrency: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(64))),
  adaptiveConcurrency: z._default(z.boolean(), true),
  headers: z.optional(
    z.record(
      z.string().check(z.regex(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/i, 'must be a header name')),
      z.string().check(z.refine(isFieldValue, 'must not contain line breaks or control characters')),
    ),
  ),
  download: z.optional(
    z.object({
      maxBytes: z.optional(z.number().check(z.int(), z.positive())),
      maxRedirects: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(20))),
      timeoutMs: z.optional(z.number().check(z.int(), z.positive())),
      allowPrivateAddresses: z.optional(z.boolean()),
    }),
  ),
  maxResponseBytes: z._default(z.number().check(z.int(), z.positive()), 512 * 1024 * 1024),
  onRetry: z.optional(z.custom<(event: RetryEvent) => void>((v) => typeof v === 'function', 'must be a function')),
  maxCost: z.optional(z.number().check(z.minimum(0), z.maximum(1_000_000))),
  prices: z.optional(priceEntriesSchema),
});

export type ResolvedClientOptions = z.output<typeof optionsSchema> & { preset: ProviderPreset; baseURL: string };

/**
 * Validates client options and resolves the provider preset. Throws `ValidationError` naming each bad field
 * (the Nest module calls this at start-up so a bad configuration stops the boot).
 */
export function resolveClientOptions(options: PictorClientOptions): ResolvedClientOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error.issues), 'client options');
  const opts = parsed.data;
  const base = PROVIDERS[opts.provider];
  const preset: ProviderPreset = {
    ...base,
    dialect: opts.provider === 'custom' ? (opts.dialect ?? 'openai') : base.dialect,
    envelope: opts.provider === 'custom' && opts.dialect === 'together' ? 'together' : base.envelope,
    defaultModel: opts.model ?? base.defaultModel,
    defaultEditModel: opts.model ?? base.defaultEditModel,
  };
  const issues = [];
  const baseURL = (opts.baseURL ?? base.baseURL)?.replace(/\/+$/, '');
  if (!baseURL) issues.push({ field: 'baseURL', message: `is required for the ${base.label} provider` });
  if (base.requiresKey && !opts.apiKey) issues.push({ field: 'apiKey', message: `is required for ${base.label}` });
  if (opts.dialect && opts.provider !== 'custom' && opts.dialect !== base.dialect) {
    issues.push({
      field: 'dialect',
      message: `${base.label} speaks the ${base.dialect} dialect; only custom providers choose`,
    });
  }
  if (issues.length) throw new ValidationError(issues, 'client options');
  return { ...opts, preset, baseURL: baseURL as string };
}
