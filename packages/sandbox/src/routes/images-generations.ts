import type { IncomingMessage, ServerResponse } from 'node:http';
import sharp from 'sharp';
import { authenticate } from '../authenticate.js';
import { renderCached } from '../cached-render.js';
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
import { buildGenerationJob, type GenerationJob } from '../generation-request.js';
import { BodyTooLargeError, clientGone, readBody, sendError, sleep, writeChunk } from '../http-helpers.js';
import { padImage, type PaddedImage } from '../oversized-image.js';
import { invalidJson, payloadTooLarge, rateLimited } from '../provider-envelopes.js';
import type { ProviderName } from '../providers.js';
import type { RenderSpec } from '../render-image.js';
import { streamEvent, successBody, type ImageItem } from '../response-bodies.js';
import type { SandboxContext } from '../sandbox-context.js';
import { recordFault } from '../sandbox-stats.js';

/** What a request tells the log line. */
export interface RequestNote {
  fault?: string;
}

function renderSpec(job: GenerationJob, index: number): RenderSpec {
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

/** `POST /<provider>/v1/images/generations`. */
export async function handleImagesGenerations(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  provider: ProviderName,
  requestId: string,
  note: RequestNote,
): Promise<void> {
  context.stats.generations[provider] += 1;
  const gone = clientGone(res);
  const signals = [gone, context.closing];

  const key = authenticate(context, req, provider);
  if (typeof key !== 'string') return sendError(res, provider, key, requestId);

  if (context.limiter) {
    const verdict = context.limiter.take(key);
    if (!verdict.ok) {
      context.stats.rateLimited += 1;
      const error = rateLimited(provider, Math.ceil(verdict.retryAfterMs / 1000), context.limiter.options.capacity);
      error.headers = {
        ...error.headers,
        'x-ratelimit-limit-requests': String(context.limiter.options.capacity),
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': `${(verdict.retryAfterMs / 1000).toFixed(3)}s`,
      };
      return sendError(res, provider, error, requestId);
    }
  }

  let raw: Buffer;
  try {
    raw = await readBody(req, context.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendError(res, provider, payloadTooLarge(error.limit), requestId);
    return void res.destroy(); // the client went away mid-body: nobody to answer, nothing to log as a failure
  }

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

  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return sendError(res, provider, invalidJson(), requestId);
  }
  const job = buildGenerationJob(provider, body, context.validator);
  if ('status' in job) return sendError(res, provider, job, requestId);

  // Faults about inline images need base64 items; the expired URL needs URL items.
  if (fault && ['truncated-json', 'invalid-base64'].includes(fault.fault)) job.responseFormat = 'b64_json';
  if (fault?.fault === 'expired-url') job.responseFormat = 'url';

  const latency = numberHeader(req, 'x-sandbox-latency-ms') ?? context.latencyMs;
  if (!(await sleep(latency * job.n, signals))) return;

  if (job.stream) return streamImages(context, res, job, signals);

  const created = Math.floor(Date.now() / 1000);
  const oversizedBytes = fault?.fault === 'oversized' ? (fault.oversizedBytes ?? context.oversizedBytes) : undefined;
  const placeholder = '\u0000pictor-sandbox-oversized\u0000';
  const items: ImageItem[] = [];
  let oversizedImage: PaddedImage | undefined;
  for (let index = 0; index < job.n; index++) {
    const spec = renderSpec(job, index);
    if (job.responseFormat === 'url') {
      const padded = index === 0 && oversizedBytes !== undefined ? { oversizedBytes } : {};
      const issued = context.urls.issue({ spec, ...padded }, { expired: fault?.fault === 'expired-url' });
      items.push({ kind: 'url', url: `${context.publicOrigin}${issued.path}` });
      continue;
    }
    const bytes = await renderCached(context, spec);
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

/** OpenAI's `stream: true`: partial images (blurred previews), then each finished image, as server-sent events. */
async function streamImages(
  context: SandboxContext,
  res: ServerResponse,
  job: GenerationJob,
  signals: AbortSignal[],
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const created = Math.floor(Date.now() / 1000);
  for (let index = 0; index < job.n; index++) {
    const bytes = await renderCached(context, renderSpec(job, index));
    for (let p = 0; p < job.partialImages; p++) {
      const sigma = 24 / (p + 1);
      const preview = await sharp(bytes).blur(sigma).toFormat(job.format).toBuffer();
      if (
        !(await writeChunk(
          res,
          streamEvent(job, 'image_generation.partial_image', preview.toString('base64'), { partialIndex: p, created }),
        ))
      )
        return;
      if (!(await sleep(0, signals))) return;
    }
    if (!(await writeChunk(res, streamEvent(job, 'image_generation.completed', bytes.toString('base64'), { created }))))
      return;
  }
  context.stats.imagesServed += job.n;
  res.end();
}
