import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from '../authenticate.js';
import { contentCredentialsFor, withContentCredentials } from '../content-credentials.js';
import { chooseFault, numberHeader } from '../fault-headers.js';
import {
  corruptBase64,
  malformJson,
  sendText,
  statusFault,
  streamJsonWithBase64,
  truncateJson,
  writeReset,
} from '../fault-responses.js';
import type { GenerationJob } from '../generation-request.js';
import { clientGone, sendError, sleep } from '../http-helpers.js';
import { padImage, type PaddedImage } from '../oversized-image.js';
import type { ApiError } from '../provider-envelopes.js';
import type { ProviderName } from '../providers.js';
import { bucketRefusal, rateLimitHeaders } from '../rate-limit-profiles.js';
import type { RenderSpec } from '../render-image.js';
import { successBody, type ImageItem } from '../response-bodies.js';
import type { SandboxContext } from '../sandbox-context.js';
import { recordFault } from '../sandbox-stats.js';
import { streamImages } from './stream-images.js';

/** What a request tells the log line. */
export interface RequestNote {
  fault?: string;
}

/** An accepted request: the job and how to render its images. */
export interface PreparedImages {
  job: GenerationJob;
  render(index: number): Promise<Buffer>;
  /** True when an image URL can re-render its picture from the spec alone (generations); false stores the bytes. */
  renderable: boolean;
}

/** The two things that differ between `/images/generations` and `/images/edits`. */
export interface ImagesRoute<Raw> {
  /** Reads the body (an error answer for one too large or malformed); rejects when the client goes away. */
  read(req: IncomingMessage): Promise<Raw | ApiError>;
  /** Checks the body and resolves the job. */
  prepare(raw: Raw): Promise<PreparedImages | ApiError>;
}

/** The render spec of item `index` of a job. */
export function renderSpec(job: GenerationJob, index: number): RenderSpec {
  return {
    prompt: job.prompt,
    seed: job.seed,
    index,
    width: job.width,
    height: job.height,
    format: job.format,
    ...(job.compression !== undefined ? { compression: job.compression } : {}),
    ...(job.transparent ? { transparent: true } : {}),
  };
}

function isError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && 'status' in value && 'type' in value && 'message' in value;
}

/**
 * One images request, whatever the endpoint: authentication, the rate limit, the body, faults (status faults
 * before the body is checked, body faults on otherwise valid requests), latency, then JSON or a stream.
 */
export async function serveImages<Raw>(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  provider: ProviderName,
  requestId: string,
  note: RequestNote,
  route: ImagesRoute<Raw>,
): Promise<void> {
  const gone = clientGone(res);
  const signals = [gone, context.closing];

  const key = authenticate(context, req, provider);
  if (typeof key !== 'string') return sendError(res, provider, key, requestId);

  if (context.limiter) {
    const verdict = context.limiter.take(key);
    const mode = context.limiter.options.headers;
    if (!verdict.ok) {
      context.stats.rateLimited += 1;
      return sendError(res, provider, bucketRefusal(provider, verdict, mode), requestId);
    }
    // Set before any answer is written, so the 200 (JSON or stream) and any later error carry them.
    for (const [name, value] of Object.entries(rateLimitHeaders(provider, verdict, mode))) res.setHeader(name, value);
  }

  let raw: Raw | ApiError;
  try {
    raw = await route.read(req);
  } catch {
    return void res.destroy(); // the client went away mid-body: nobody to answer, nothing to log as a failure
  }
  if (isError(raw) && raw.status === 413) return sendError(res, provider, raw, requestId);

  const chosen = chooseFault(context, req, provider);
  if (chosen && 'status' in chosen) return sendError(res, provider, chosen, requestId);
  const fault = chosen;
  const inject = (): void => {
    if (!fault) return;
    note.fault = fault.fault;
    recordFault(context.stats, requestId, fault.fault, provider, context.faultLogLimit);
  };

  const early = fault ? statusFault(provider, fault) : undefined;
  if (early) {
    inject();
    return sendError(res, provider, early, requestId);
  }
  if (fault?.fault === 'slow-headers') {
    inject();
    if (!(await sleep(fault.delayMs ?? 30_000, signals))) return;
  }

  if (isError(raw)) return sendError(res, provider, raw, requestId);
  const prepared = await route.prepare(raw);
  if (isError(prepared)) return sendError(res, provider, prepared, requestId);
  const { job } = prepared;
  const credentials = contentCredentialsFor(req, job, context.contentCredentials);
  if (typeof credentials !== 'boolean') return sendError(res, provider, credentials, requestId);
  // Added after the render cache, so a picture is cached once whether or not a request wants credentials.
  const render = credentials
    ? async (index: number) => withContentCredentials(await prepared.render(index), job.format)
    : prepared.render;

  const latency = numberHeader(req, 'x-sandbox-latency-ms') ?? context.latencyMs;
  if (job.stream) {
    const streamFault =
      fault && ['reset', 'truncated-json', 'malformed-json', 'invalid-base64'].includes(fault.fault)
        ? fault
        : undefined;
    return streamImages(
      context,
      res,
      { job, render, latencyMs: latency, ...(streamFault ? { fault: streamFault } : {}), inject },
      signals,
    );
  }

  // Faults about inline images need base64 items; the expired URL needs URL items.
  if (fault && ['truncated-json', 'invalid-base64'].includes(fault.fault)) job.responseFormat = 'b64_json';
  if (fault?.fault === 'expired-url') job.responseFormat = 'url';
  if (!(await sleep(latency * job.n, signals))) return;

  const created = Math.floor(Date.now() / 1000);
  const oversizedBytes = fault?.fault === 'oversized' ? (fault.oversizedBytes ?? context.oversizedBytes) : undefined;
  const placeholder = '\u0000pictor-sandbox-oversized\u0000';
  const items: ImageItem[] = [];
  let oversizedImage: PaddedImage | undefined;
  for (let index = 0; index < job.n; index++) {
    const spec = renderSpec(job, index);
    if (job.responseFormat === 'url') {
      const padded = index === 0 && oversizedBytes !== undefined ? { oversizedBytes } : {};
      const stored = prepared.renderable ? { contentCredentials: credentials } : { bytes: await render(index) };
      const issued = context.urls.issue({ spec, ...padded, ...stored }, { expired: fault?.fault === 'expired-url' });
      items.push({ kind: 'url', url: `${context.publicOrigin}${issued.path}` });
      continue;
    }
    const bytes = await render(index);
    if (index === 0 && oversizedBytes !== undefined) {
      oversizedImage = padImage(bytes, spec.format, oversizedBytes);
      items.push({ kind: 'b64_json', b64: placeholder });
      continue;
    }
    const b64 = bytes.toString('base64');
    items.push({ kind: 'b64_json', b64: fault?.fault === 'invalid-base64' ? corruptBase64(b64) : b64 });
  }
  if (res.destroyed) return;
  context.stats.imagesServed += job.n;
  const json = JSON.stringify(successBody(job, items, { requestId, created }));

  switch (fault?.fault) {
    case 'reset':
      inject();
      return writeReset(res, json);
    case 'truncated-json':
      inject();
      return sendText(res, 200, truncateJson(json));
    case 'malformed-json':
      inject();
      return sendText(res, 200, malformJson(json));
    case 'invalid-base64':
    case 'expired-url':
      inject();
      return sendText(res, 200, json);
    case 'oversized':
      inject();
      if (oversizedImage)
        return streamJsonWithBase64(res, json, JSON.stringify(placeholder).slice(1, -1), oversizedImage);
      return sendText(res, 200, json);
    default:
      return sendText(res, 200, json);
  }
}
