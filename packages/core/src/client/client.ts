import { ValidationError } from '../errors/index.js';
import type { HttpContext, Sleep } from '../http/http-context.js';
import { listModels, type ModelInfo } from '../http/list-models.js';
import { createRedactor } from '../http/redact.js';
import type { ResolveHost, Transport } from '../http/transport.js';
import { isInternalHost } from '../images/download-target.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/with-retries.js';
import type { ImageRequest, NormalizedRequest } from '../request/image-request.js';
import type { Dialect, ProviderName } from '../request/providers.js';
import { resolveClientOptions, type PictorClientOptions, type ResolvedClientOptions } from './client-options.js';
import { createLimit } from './concurrency-limit.js';
import { sharedAdaptiveLimit } from './shared-limits.js';
import {
  editImages,
  generateImages,
  type GenerateContext,
  type GenerateOptions,
  type GenerateResult,
} from './generate-images.js';
import type { EditRequest } from '../request/edit-request.js';
import type { ReadInputFile } from './read-input-file.js';
import { estimateGeneration, type CostEstimate } from './estimate-cost.js';
import { createBudget, type Budget } from '../cost/budget.js';
import type { PriceEntry } from '../cost/price-table.js';
import { withDeadline } from './with-deadline.js';

export interface PictorClient {
  readonly provider: ProviderName;
  readonly dialect: Dialect;
  readonly baseURL: string;
  /** The model used when a request names none. */
  readonly defaultModel: string | undefined;
  /** The model used when an edit names none. */
  readonly defaultEditModel: string | undefined;
  /** The client's own budget (the `maxCost` option), with what it has spent so far. */
  readonly budget: Budget | undefined;
  /**
   * Generates `n` images for a prompt. Rejects with `ValidationError` before any network call when the request
   * is invalid (a request `normalizeRequest` returned is trusted as it is); batches above the model's per-call
   * maximum; see `GenerateResult` for partial failures.
   */
  generate(request: ImageRequest | NormalizedRequest, options?: GenerateOptions): Promise<GenerateResult>;
  /**
   * Edits one or more input images (bytes, `{ bytes, name }`, `{ url }`; `{ path }` on the Node entry) with a
   * prompt, and an optional mask. Inputs are read and checked against the model's limits (type, size, count) before
   * any network call. OpenAI's dialect uploads bytes as a multipart form and sends URLs in its JSON body; Together's
   * uses `image_url` or `reference_images`. The result is a generation's, with `inputs` described by hash.
   */
  edit(request: EditRequest, options?: GenerateOptions): Promise<GenerateResult>;
  /**
   * What `generate(request)` would do and cost — calls, images, sizes, the estimated cost — without any network
   * call. Throws `ValidationError` as `generate()` would.
   */
  estimateCost(request: ImageRequest | NormalizedRequest): CostEstimate;
  /** The provider's image models (`GET /models`); `imageOnly: false` lists every model. */
  listModels(options?: { signal?: AbortSignal; imageOnly?: boolean; deadlineMs?: number }): Promise<ModelInfo[]>;
  /** Closes the client's connection pool (not a transport or dispatcher you passed in). Safe to call twice. */
  close(): Promise<void>;
}

/** How a client reaches the network and waits: what differs between runtimes. */
export interface PictorRuntime {
  /** Sends every request (see `Transport`). */
  transport: Transport;
  /** Waits between retries. */
  sleep: Sleep;
  /** A monotonic clock in ms for call durations. Default `Date.now`. */
  now?: () => number;
  /**
   * Resolves host names, so an image URL whose name leads to a private address is refused before anything is
   * sent (see `download.allowPrivateAddresses`). Without one, IP literals and well-known internal names are still
   * refused, but a public-looking name is trusted. The Node entry brings `dns.lookup`.
   */
  resolveHost?: ResolveHost | undefined;
  /** Reads `{ path }` inputs of edits. The Node entry brings one; without it, paths are refused. */
  readFile?: ReadInputFile | undefined;
}

/**
 * Creates a client on the portable kernel: you bring the transport and the sleep (a host's HTTP stack and
 * timers). On Node, `createPictorClient` from `@pictor/core` fills both in; elsewhere, `@pictor/core/fetch`.
 */
export function createPictorClient(options: PictorClientOptions & PictorRuntime): PictorClient {
  const { transport, sleep, now, resolveHost, readFile, ...rest } = options;
  return openClient(resolveClientOptions(rest), checkRuntime({ transport, sleep, now, resolveHost, readFile }), false);
}

function checkRuntime(runtime: PictorRuntime): PictorRuntime {
  const issues = [];
  if (typeof runtime.transport?.send !== 'function')
    issues.push({ field: 'transport', message: 'must be a Transport (an object with send())' });
  if (typeof runtime.sleep !== 'function') issues.push({ field: 'sleep', message: 'must be a function' });
  if (runtime.now !== undefined && typeof runtime.now !== 'function')
    issues.push({ field: 'now', message: 'must be a function' });
  if (runtime.resolveHost !== undefined && typeof runtime.resolveHost !== 'function') {
    issues.push({ field: 'resolveHost', message: 'must be a function' });
  }
  if (runtime.readFile !== undefined && typeof runtime.readFile !== 'function') {
    issues.push({ field: 'readFile', message: 'must be a function' });
  }
  if (issues.length) throw new ValidationError(issues, 'client options');
  return runtime;
}

/** A client over options already validated; `ownsTransport`: whether `close()` closes the transport. */
export function openClient(opts: ResolvedClientOptions, runtime: PictorRuntime, ownsTransport: boolean): PictorClient {
  const redact = createRedactor([opts.apiKey]);
  const apiKey = opts.apiKey ?? (opts.preset.name === 'sandbox' ? 'sandbox' : undefined);
  const http: HttpContext = {
    transport: runtime.transport,
    baseURL: opts.baseURL,
    headers: {
      'user-agent': 'pictor-core',
      ...opts.headers,
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    timeoutMs: opts.timeoutMs,
    maxResponseBytes: opts.maxResponseBytes,
    redact,
    sleep: runtime.sleep,
    now: runtime.now ?? Date.now,
  };
  const shared = opts.adaptiveConcurrency
    ? sharedAdaptiveLimit(opts.baseURL, opts.apiKey, { now: http.now, sleep: runtime.sleep })
    : undefined;
  http.observe = shared?.observe;
  http.admit = shared?.admit;
  // The client's own cap over the shared adaptive limit: the provider's allowance is shared, the cap is yours.
  const cap = createLimit(opts.concurrency ?? (shared ? 16 : 4));
  const limit = shared ? <T>(task: () => Promise<T>): Promise<T> => cap(() => shared(task)) : cap;
  const policy: RetryPolicy = {
    maxRetries: opts.maxRetries,
    initialDelayMs: opts.retryDelay?.initialMs ?? DEFAULT_RETRY_POLICY.initialDelayMs,
    maxDelayMs: opts.retryDelay?.maxMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
  };
  const ctx: GenerateContext = {
    http,
    provider: opts.preset,
    policy,
    limit,
    download: {
      maxBytes: opts.download?.maxBytes ?? 64 * 1024 * 1024,
      maxRedirects: opts.download?.maxRedirects ?? 3,
      timeoutMs: opts.download?.timeoutMs ?? 60_000,
      // A provider on a private network (the sandbox, a self-hosted gateway) serves its images from there too.
      allowPrivateAddresses: opts.download?.allowPrivateAddresses ?? isInternalHost(new URL(opts.baseURL).hostname),
      resolveHost: runtime.resolveHost,
    },
    onRetry: opts.onRetry,
    readFile: runtime.readFile,
    prices: (opts.prices ?? []) as PriceEntry[],
    budget: opts.maxCost === undefined ? undefined : createBudget(opts.maxCost),
  };
  let closed: Promise<void> | undefined;

  return {
    provider: opts.preset.name,
    dialect: opts.preset.dialect,
    baseURL: opts.baseURL,
    defaultModel: opts.preset.defaultModel,
    defaultEditModel: opts.preset.defaultEditModel,
    budget: ctx.budget,
    generate: (request, generateOptions = {}) =>
      withDeadline(
        { ms: generateOptions.deadlineMs ?? opts.deadlineMs, signal: generateOptions.signal, what: 'generate()' },
        (signal) => generateImages(ctx, request, { ...generateOptions, signal }),
      ),
    estimateCost: (request) => estimateGeneration(opts.preset, request, ctx.prices),
    edit: (request, editOptions = {}) =>
      withDeadline(
        { ms: editOptions.deadlineMs ?? opts.deadlineMs, signal: editOptions.signal, what: 'edit()' },
        (signal) => editImages(ctx, request, { ...editOptions, signal }),
      ),
    listModels: (listOptions = {}) =>
      withDeadline(
        { ms: listOptions.deadlineMs ?? opts.deadlineMs, signal: listOptions.signal, what: 'listModels()' },
        (signal) => listModels(http, { policy, signal, onRetry: opts.onRetry, imageOnly: listOptions.imageOnly }),
      ),
    close: () => {
      closed ??= ownsTransport ? (runtime.transport.close?.() ?? Promise.resolve()) : Promise.resolve();
      return closed;
    },
  };
}
