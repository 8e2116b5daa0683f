import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createControlGuard } from './control-guard.js';
import { FaultScheduler, parseFaultPlan, type FaultPlan } from './fault-plan.js';
import { sendError, sendJson } from './http-helpers.js';
import { DEFAULT_OVERSIZED_BYTES } from './oversized-image.js';
import { invalidRequest, routeNotFound, serverError } from './provider-envelopes.js';
import { isProviderName, PROVIDER_NAMES, providerUrls, type ProviderName } from './providers.js';
import { RenderCache } from './render-cache.js';
import { decodePathSegment, parseRequestTarget, providerIn } from './request-target.js';
import { handleControl, type ControlTarget } from './routes/control.js';
import { handleImageFile } from './routes/image-files.js';
import { handleImagesEdits } from './routes/images-edits.js';
import { handleImagesGenerations, type RequestNote } from './routes/images-generations.js';
import { handleModels } from './routes/models.js';
import type { SandboxContext } from './sandbox-context.js';
import { createStats, DEFAULT_FAULT_LOG_LIMIT, type SandboxStats } from './sandbox-stats.js';
import { SpecValidator } from './spec-validator.js';
import { RateLimiter, type RateLimitOptions } from './token-bucket.js';
import { FILES_PATH, UrlStore } from './url-store.js';

/** Options of `startSandbox`. Every one is optional. */
export interface SandboxOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Delay per generated image, in ms (default 0). `x-sandbox-latency-ms` overrides it per request. */
  latencyMs?: number;
  /** When set, the bearer token must equal it; otherwise any non-empty bearer token is accepted. */
  apiKey?: string;
  /** A scripted fault plan: ordered steps and/or a seeded random mix. */
  faults?: FaultPlan;
  /** Lifetime of image URLs in ms (default 60 minutes, as OpenAI documents). */
  urlTtlMs?: number;
  /**
   * A token bucket per API key; requests over it get the provider's 429, and each stand-in reports the bucket in
   * its provider's rate-limit headers (README, "Rate limit").
   */
  rateLimit?: RateLimitOptions;
  /** Size of the `oversized` fault's image in bytes (default 64 MiB). */
  oversizedBytes?: number;
  /** Bound of the render cache in bytes (default 256 MiB). */
  cacheMaxBytes?: number;
  /** How many entries `stats.faultLog` keeps, the newest (default 10 000); `stats.faultLogDropped` counts the rest. */
  faultLogLimit?: number;
  /** Origin written into image URLs (default `http://<host>:<port>`), for clients reaching the sandbox by another name. */
  publicUrl?: string;
  /** Receives one line per request (the CLI prints them). */
  log?: (line: string) => void;
  /** Folder of the official spec files (default: the package's `specs/`). */
  specDir?: string;
  /**
   * Embed C2PA content credentials in the images of the OpenAI stand-in's GPT image models, as OpenAI does
   * (default false). `x-sandbox-content-credentials: c2pa` or `none` decides per request.
   */
  contentCredentials?: boolean;
}

/** A running sandbox. */
export interface Sandbox {
  /** Origin, e.g. `http://127.0.0.1:8787`. */
  url: string;
  port: number;
  /** Base URL of each stand-in, e.g. `urls.together` = `http://127.0.0.1:8787/together/v1`. */
  urls: Record<ProviderName, string>;
  /** Live counters: requests, renders, cache hits, injected faults with their request ids. */
  stats: SandboxStats;
  /** Replaces the fault plan (undefined clears it). */
  setFaults(plan: FaultPlan | undefined): void;
  /** Stops listening, drops open connections and lets held requests go. */
  close(): Promise<void>;
}

const ROUTE = /^\/([a-z0-9-]+)\/v1(\/.*)?$/;

function newRequestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}

/** Starts the sandbox server. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  if (
    options.publicUrl !== undefined &&
    !(URL.canParse(options.publicUrl) && /^https?:$/.test(new URL(options.publicUrl).protocol))
  ) {
    throw new TypeError(`publicUrl must be an absolute http(s) URL, got ${JSON.stringify(options.publicUrl)}`);
  }
  const faultLogLimit = options.faultLogLimit ?? DEFAULT_FAULT_LOG_LIMIT;
  if (!(Number.isInteger(faultLogLimit) && faultLogLimit >= 0))
    throw new RangeError('faultLogLimit must be an integer >= 0');
  const closing = new AbortController();
  const stats = createStats();
  const context: SandboxContext = {
    latencyMs: options.latencyMs ?? 0,
    contentCredentials: options.contentCredentials === true,
    apiKey: options.apiKey,
    oversizedBytes: options.oversizedBytes ?? DEFAULT_OVERSIZED_BYTES,
    maxBodyBytes: 4 * 1024 * 1024,
    validator: new SpecValidator(options.specDir),
    cache: new RenderCache(options.cacheMaxBytes ?? 256 * 1024 * 1024),
    urls: new UrlStore(options.urlTtlMs ?? 60 * 60 * 1000),
    faults: new FaultScheduler(options.faults === undefined ? undefined : parseFaultPlan(options.faults)),
    limiter: options.rateLimit ? new RateLimiter(options.rateLimit) : undefined,
    stats,
    faultLogLimit,
    publicOrigin: '',
    closing: closing.signal,
  };
  const setFaults = (plan: FaultPlan | undefined): void => {
    context.faults = new FaultScheduler(plan === undefined ? undefined : parseFaultPlan(plan));
  };
  const log = options.log;

  // Set once the port is known; until then (never in practice) control requests are refused.
  let guard: ControlTarget['guard'] = () => ({
    status: 403,
    message: 'The sandbox is starting.',
    type: 'permission_error',
    code: 'starting',
  });
  const control: ControlTarget = { stats, setFaults, guard: (req, authority) => guard(req, authority) };

  async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    note: RequestNote,
  ): Promise<void> {
    const target = parseRequestTarget(req.url);
    if (!target) {
      const error = invalidRequest(
        `Malformed request target: ${JSON.stringify(req.url)}.`,
        null,
        'invalid_request_target',
      );
      const provider = providerIn(req.url);
      if (provider) return sendError(res, provider, error, requestId);
      return sendJson(res, 400, { error: { message: error.message, type: error.type, code: error.code } });
    }
    const { url, authority } = target;
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path.startsWith(FILES_PATH) && (method === 'GET' || method === 'HEAD')) {
      return handleImageFile(context, req, res, url, requestId);
    }
    if (path.startsWith('/_sandbox/')) return handleControl(control, req, res, path, authority);
    if (path === '/' || path === '/health') {
      return sendJson(res, 200, { name: 'pictor-sandbox', ok: true, providers: providerUrls(context.publicOrigin) });
    }
    const match = ROUTE.exec(path);
    const provider = match?.[1];
    if (!match || !provider || !isProviderName(provider)) {
      return sendJson(res, 404, {
        error: {
          message: `Unknown path ${path}. Stand-ins: ${PROVIDER_NAMES.map((p) => `/${p}/v1`).join(', ')}.`,
          type: 'invalid_request_error',
        },
      });
    }
    const rest = match[2] ?? '/';
    if (rest === '/images/generations' && method === 'POST') {
      return handleImagesGenerations(context, req, res, provider, requestId, note);
    }
    // Only the stand-ins whose official spec documents edits (OpenAI) answer them; the others 404 as before.
    if (rest === '/images/edits' && method === 'POST' && context.validator.hasRequest(provider, 'edits-json')) {
      return handleImagesEdits(context, req, res, provider, requestId, note);
    }
    if (rest === '/models' && method === 'GET') return handleModels(context, req, res, provider, requestId, undefined);
    if (rest.startsWith('/models/') && method === 'GET') {
      const modelId = decodePathSegment(rest.slice('/models/'.length));
      if (modelId === undefined) {
        const error = invalidRequest(
          'Invalid model id in the path: it is not valid percent-encoding (UTF-8).',
          'model',
          'invalid_model_id',
        );
        return sendError(res, provider, error, requestId);
      }
      return handleModels(context, req, res, provider, requestId, modelId);
    }
    return sendError(res, provider, routeNotFound(method, path), requestId);
  }

  const sockets = new Set<Socket>();
  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    const requestId = newRequestId();
    const started = performance.now();
    const note: RequestNote = {};
    stats.requests += 1;
    res.setHeader('x-request-id', requestId);
    if (log) {
      res.on('close', () => {
        const ms = (performance.now() - started).toFixed(0);
        const outcome = res.writableFinished
          ? String(res.statusCode)
          : `${res.headersSent ? res.statusCode : '---'} (aborted)`;
        log(
          `${new Date().toISOString()} ${requestId} ${req.method} ${req.url} ${outcome} ${ms}ms${note.fault ? ` fault=${note.fault}` : ''}`,
        );
      });
    }
    dispatch(req, res, requestId, note).catch((error: unknown) => {
      log?.(`${new Date().toISOString()} ${requestId} internal error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) {
        const provider = providerIn(req.url);
        if (provider) sendError(res, provider, serverError(), requestId);
        else sendJson(res, 500, { error: { message: 'Internal sandbox error', type: 'server_error' } });
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${reachableHost}:${address.port}`;
  context.publicOrigin = (options.publicUrl ?? origin).replace(/\/+$/, '');
  guard = createControlGuard({
    listenHost: host,
    port: address.port,
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
  });

  let closed: Promise<void> | undefined;
  return {
    url: origin,
    port: address.port,
    urls: providerUrls(origin),
    stats,
    setFaults,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
