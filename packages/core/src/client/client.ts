import { Agent, type Dispatcher } from 'undici';
import { createLimit } from './concurrency-limit.js';
import { resolveClientOptions, type PictorClientOptions } from './client-options.js';
import { generateImages, type GenerateContext, type GenerateOptions, type GenerateResult } from './generate-images.js';
import type { HttpContext } from '../http/http-context.js';
import type { ImageRequest } from '../request/image-request.js';
import { listModels, type ModelInfo } from '../http/list-models.js';
import type { Dialect, ProviderName } from '../request/providers.js';
import { createRedactor } from '../http/redact.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/with-retries.js';

export interface PictorClient {
  readonly provider: ProviderName;
  readonly dialect: Dialect;
  readonly baseURL: string;
  /** The model used when a request names none. */
  readonly defaultModel: string | undefined;
  /**
   * Generates `n` images for a prompt. Rejects with `ValidationError` before any network call when the request
   * is invalid; batches above the model's per-call maximum; see `GenerateResult` for partial failures.
   */
  generate(request: ImageRequest, options?: GenerateOptions): Promise<GenerateResult>;
  /** The provider's image models (`GET /models`); `imageOnly: false` lists every model. */
  listModels(options?: { signal?: AbortSignal; imageOnly?: boolean }): Promise<ModelInfo[]>;
  /** Closes the client's connection pool (not a dispatcher you passed in). Safe to call twice. */
  close(): Promise<void>;
}

const AGENT_TIMEOUT_MS = 15 * 60_000;

/**
 * Creates a client for one provider. One long-lived undici Agent per client, with header and body timeouts
 * above undici's 5-minute defaults (slow image models take minutes); the per-attempt limit is `timeoutMs`.
 *
 * ```ts
 * const client = createPictorClient({ provider: 'together', apiKey: process.env.TOGETHER_API_KEY });
 * const result = await client.generate({ prompt: 'a lighthouse at dusk', n: 4, aspectRatio: '16:9' });
 * await saveImages(result, './images');
 * await client.close();
 * ```
 */
export function createPictorClient(options: PictorClientOptions = {}): PictorClient {
  const opts = resolveClientOptions(options);
  const ownsDispatcher = opts.dispatcher === undefined;
  const dispatcher: Dispatcher =
    opts.dispatcher ??
    new Agent({
      headersTimeout: AGENT_TIMEOUT_MS,
      bodyTimeout: AGENT_TIMEOUT_MS,
      connectTimeout: 10_000,
      keepAliveTimeout: 30_000,
      connections: Math.max(opts.concurrency * 2, 8),
    });
  const redact = createRedactor([opts.apiKey]);
  const apiKey = opts.apiKey ?? (opts.preset.name === 'sandbox' ? 'sandbox' : undefined);
  const http: HttpContext = {
    dispatcher,
    baseURL: opts.baseURL,
    headers: {
      'user-agent': 'pictor-core',
      ...opts.headers,
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    timeoutMs: opts.timeoutMs,
    maxResponseBytes: opts.maxResponseBytes,
    redact,
  };
  const policy: RetryPolicy = {
    maxRetries: opts.maxRetries,
    initialDelayMs: opts.retryDelay?.initialMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
    maxDelayMs: opts.retryDelay?.maxMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
  };
  const ctx: GenerateContext = {
    http,
    provider: opts.preset,
    policy,
    limit: createLimit(opts.concurrency),
    download: {
      maxBytes: opts.download?.maxBytes ?? 64 * 1024 * 1024,
      maxRedirects: opts.download?.maxRedirects ?? 3,
      timeoutMs: opts.download?.timeoutMs ?? 60_000,
    },
    onRetry: opts.onRetry,
  };
  let closed: Promise<void> | undefined;

  return {
    provider: opts.preset.name,
    dialect: opts.preset.dialect,
    baseURL: opts.baseURL,
    defaultModel: opts.preset.defaultModel,
    generate: (request, generateOptions) => generateImages(ctx, request, generateOptions),
    listModels: (listOptions = {}) =>
      listModels(http, { policy, signal: listOptions.signal, onRetry: opts.onRetry, imageOnly: listOptions.imageOnly }),
    close: () => {
      closed ??= ownsDispatcher ? dispatcher.close() : Promise.resolve();
      return closed;
    },
  };
}
