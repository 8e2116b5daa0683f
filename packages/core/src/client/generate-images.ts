import { describeImage } from '../images/describe-image.js';
import { downloadImage } from '../images/download-image.js';
import { PictorError, ResponseValidationError } from '../errors/index.js';
import { GeneratedImage } from '../images/generated-image.js';
import type { HttpContext } from '../http/http-context.js';
import type { ResolveHost } from '../http/transport.js';
import { normalizeRequest, type ImageRequest, type NormalizedRequest } from '../request/image-request.js';
import { planGeneration, type GenerationPlan } from '../request/plan-generation.js';
import { inputImageInfo, splitEditRequest, type EditRequest, type InputImageInfo } from '../request/edit-request.js';
import { readInputImages } from '../images/input-images.js';
import { sniffMediaType } from '../images/sniff-media-type.js';
import { hasContentCredentials } from '../images/content-credentials.js';
import type { RawPartialImage } from '../http/image-events.js';
import { readInputFiles, type ReadInputFile } from './read-input-file.js';
import { callBudget, priceCalls, sumCosts } from './call-pricing.js';
import type { Budget } from '../cost/budget.js';
import type { Cost } from '../cost/estimate-cost.js';
import type { PriceEntry } from '../cost/price-table.js';
import { postImagesCall, type RawImageItem } from '../http/post-images-call.js';
import type { ProviderName, ProviderPreset } from '../request/providers.js';
import type { PictorWarning } from '../request/warnings.js';
import type { RetryEvent, RetryPolicy } from '../http/with-retries.js';

/** Per-call options of `generate()`. */
export interface GenerateOptions {
  /** Cancels every call of this generation; nothing is retried after it fires. */
  signal?: AbortSignal;
  /** This generation's total deadline, in ms (overrides the client's `deadlineMs`). */
  deadlineMs?: number;
  /** Told as soon as each image is decoded (batches finish out of order). */
  onImage?: (image: GeneratedImage) => void;
  /**
   * Told of each preview while a streamed image is made (`stream: true` or `partialImages` on a model that
   * streams). Previews are not part of the result; if a call is retried, its previews start again.
   */
  onPartialImage?: (partial: PartialImage) => void;
  /** This generation's budget in USD: a call that would pass it is not sent (`BudgetExceededError`). */
  maxCost?: number | undefined;
  /** A budget shared with other calls (`createBudget`); applies with `maxCost` and the client's own. */
  budget?: Budget | undefined;
}

/** A preview of an image while it is being made. */
export interface PartialImage {
  /** The index, in the result, of the image it previews. */
  index: number;
  /** Which preview of that image, from 0. */
  partialIndex: number;
  bytes: Uint8Array;
  /** Sniffed from the bytes: `image/png`, `image/jpeg` or `image/webp`. */
  mediaType: string;
}

/** How one HTTP call went. */
export interface CallInfo {
  /** Position of the call in the plan. */
  call: number;
  /** Indices of the images the call was for. */
  indices: number[];
  model: string;
  /** The response's `id` (Together). */
  id: string | undefined;
  requestId: string | undefined;
  attempts: number;
  durationMs: number;
  seed: number | undefined;
  /** Whether the call produced its images. */
  ok: boolean;
  /** What the provider reported for this call. */
  usage: Record<string, unknown> | undefined;
  /** What it cost: from `usage` where the price is per token and usage was reported, else estimated; 0 if not sent. */
  cost: Cost;
}

/** An image that could not be produced, and why. */
export interface ImageFailure {
  index: number;
  error: PictorError;
}

/**
 * The outcome of `generate()`. When some images failed and others did not, the call resolves: `images` holds
 * what succeeded and `failures` names the rest by index. When every image failed it rejects with the first
 * error instead.
 */
export interface GenerateResult {
  /** `generate` or `edit`. */
  operation: 'generate' | 'edit';
  provider: ProviderName;
  model: string;
  prompt: string;
  /** The validated request, size resolved to pixels. */
  request: NormalizedRequest;
  images: GeneratedImage[];
  failures: ImageFailure[];
  warnings: PictorWarning[];
  calls: CallInfo[];
  /** Token or image usage where the provider reports it (numbers summed across calls). */
  usage: Record<string, unknown> | undefined;
  /** The calls' costs summed: `unknown` if any call's price is, `usage` when every one came from reported usage. */
  cost: Cost;
  /** An edit's input images, described (bytes by size and SHA-256, URLs by themselves); never their bytes. */
  inputs?: InputImageInfo[];
  /** An edit's mask, described like the inputs. */
  mask?: InputImageInfo;
}

export interface GenerateContext {
  http: HttpContext;
  provider: ProviderPreset;
  policy: RetryPolicy;
  /** Runs a call when the concurrency limits allow. */
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  download: {
    maxBytes: number;
    maxRedirects: number;
    timeoutMs: number;
    allowPrivateAddresses: boolean;
    resolveHost?: ResolveHost | undefined;
  };
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** The user's prices, before the defaults. */
  prices: readonly PriceEntry[];
  /** The client's budget, shared by every call it makes. */
  budget?: Budget | undefined;
  /** Reads `{ path }` inputs (the Node entry's). */
  readFile?: ReadInputFile | undefined;
}

function mergeUsage(into: Record<string, unknown> | undefined, add: Record<string, unknown> | undefined) {
  if (!add) return into;
  const out: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(add)) {
    const prev = out[key];
    out[key] = typeof value === 'number' && typeof prev === 'number' ? prev + value : (prev ?? value);
  }
  return out;
}

async function toImage(
  ctx: GenerateContext,
  item: RawImageItem,
  index: number,
  seed: number | undefined,
  request: NormalizedRequest,
  warnings: PictorWarning[],
  signal: AbortSignal | undefined,
  share: { call: CallInfo; of: number },
): Promise<GeneratedImage> {
  let bytes = item.bytes;
  let declared: string | undefined = request.outputFormat ? `image/${request.outputFormat}` : undefined;
  if (!bytes && item.url) {
    const got = await downloadImage(item.url, {
      transport: ctx.http.transport,
      ...ctx.download,
      redact: ctx.http.redact,
      signal,
    });
    bytes = got.bytes;
    // Media types are case-insensitive (RFC 9110 §8.3.1): `IMAGE/PNG` says the same as `image/png`.
    declared = ctx.http.redact(got.declaredType?.split(';')[0]?.trim().toLowerCase().slice(0, 128) ?? '') || declared;
  }
  if (!bytes) throw new ResponseValidationError(`Image ${index} has no data`);
  const info = describeImage(bytes);
  if (declared && declared !== 'application/octet-stream' && declared !== info.mediaType) {
    warnings.push({ type: 'media-type-mismatch', index, declared, actual: info.mediaType });
  }
  return new GeneratedImage({
    index,
    bytes,
    mediaType: info.mediaType,
    extension: info.extension,
    width: info.width,
    height: info.height,
    sha256: info.sha256,
    seed,
    // The URL as served (a signed URL's signature stays), but never the key, should a gateway put it there.
    url: item.url === undefined ? undefined : ctx.http.redact(item.url),
    revisedPrompt: item.revisedPrompt,
    contentCredentials: hasContentCredentials(bytes),
    // Each image of a call carries an even share of what the call reported and cost.
    usage: shareOf(share.call.usage, share.of),
    cost: { ...share.call.cost, usd: share.call.cost.usd === undefined ? undefined : share.call.cost.usd / share.of },
  });
}

function shareOf(usage: Record<string, unknown> | undefined, of: number): Record<string, unknown> | undefined {
  if (!usage || of === 1) return usage;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(usage)) {
    if (typeof value === 'number') out[key] = value / of;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out[key] = shareOf(value as Record<string, unknown>, of);
    }
  }
  return out;
}

/** Validates, plans, sends every call under the client's concurrency cap, and decodes what comes back. */
export async function generateImages(
  ctx: GenerateContext,
  input: ImageRequest | NormalizedRequest,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const request = normalizeRequest(input);
  const plan = planGeneration(ctx.provider, request);
  return { operation: 'generate', ...(await runPlan(ctx, request, plan, options)) };
}

/**
 * Validates the request and reads its inputs (checked, described, hashed), plans the edit for the model (which
 * refuses what it cannot take), then runs it as a generation is run.
 */
export async function editImages(
  ctx: GenerateContext,
  input: EditRequest,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const split = splitEditRequest(input);
  const files = await readInputFiles(split.images, split.mask, ctx.readFile);
  const inputs = readInputImages(files.images, files.mask);
  const plan = planGeneration(ctx.provider, split.request, inputs);
  const result = await runPlan(ctx, split.request, plan, options);
  return {
    operation: 'edit',
    ...result,
    inputs: inputs.images.map(inputImageInfo),
    ...(inputs.mask ? { mask: inputImageInfo(inputs.mask, 0) } : {}),
  };
}

/** A preview checked as any answer is: it must be an image. Anything else is dropped, not passed on. */
function toPartial(raw: RawPartialImage): PartialImage | undefined {
  const sniffed = sniffMediaType(raw.bytes);
  return sniffed ? { ...raw, mediaType: sniffed.mediaType } : undefined;
}

async function runPlan(
  ctx: GenerateContext,
  request: NormalizedRequest,
  plan: GenerationPlan,
  options: GenerateOptions,
): Promise<Omit<GenerateResult, 'operation'>> {
  const warnings = [...plan.warnings];
  const images: GeneratedImage[] = [];
  const failures: ImageFailure[] = [];
  const calls: CallInfo[] = [];
  let usage: Record<string, unknown> | undefined;
  const pricing = priceCalls(ctx.provider.name, plan, request, [ctx.budget, callBudget(options)], ctx.prices);
  const onPartialImage = options.onPartialImage;
  const onPartial = onPartialImage
    ? (raw: RawPartialImage) => {
        const partial = toPartial(raw);
        if (partial) onPartialImage(partial);
      }
    : undefined;
  await Promise.all(
    plan.calls.map((call, callIndex) =>
      ctx.limit(async () => {
        const indices: number[] = [];
        for (let i = 0; i < call.n; i++) indices.push(call.firstIndex + i);
        const info: CallInfo = {
          call: callIndex,
          indices,
          model: plan.model,
          id: undefined,
          requestId: undefined,
          attempts: 0,
          durationMs: 0,
          seed: call.seed,
          ok: false,
          usage: undefined,
          cost: { usd: 0, basis: 'estimate' },
        };
        calls.push(info);
        let reserved: number | undefined;
        try {
          reserved = pricing.reserve(call);
          const outcome = await postImagesCall(ctx.http, call, plan.dialect, {
            policy: ctx.policy,
            signal: options.signal,
            onRetry: ctx.onRetry,
            onPartial,
          }).catch((error: unknown) => {
            pricing.release(reserved as number);
            throw error;
          });
          info.usage = outcome.usage;
          info.cost = pricing.settle(call, reserved, outcome.usage);
          info.id = outcome.responseId;
          info.requestId = outcome.requestId;
          info.attempts = outcome.attempts;
          info.durationMs = outcome.durationMs;
          info.ok = true;
          usage = mergeUsage(usage, outcome.usage);
          const settle = async (index: number, position: number): Promise<void> => {
            const item = outcome.items[position];
            if (!item) {
              failures.push({
                index,
                error: new ResponseValidationError(
                  `The provider returned ${outcome.items.length} of ${call.n} images`,
                  {
                    requestId: outcome.requestId,
                    attempts: outcome.attempts,
                  },
                ),
              });
              return;
            }
            try {
              const share = { call: info, of: call.n };
              const image = await toImage(ctx, item, index, call.seed, request, warnings, options.signal, share);
              images.push(image);
              options.onImage?.(image);
            } catch (error) {
              if (!PictorError.isInstance(error)) throw error;
              failures.push({ index, error });
            }
          };
          // One image (the common case) needs no Promise.all around it.
          if (indices.length === 1) await settle(indices[0] as number, 0);
          else await Promise.all(indices.map(settle));
        } catch (error) {
          if (!PictorError.isInstance(error)) throw error;
          info.attempts = error.attempts;
          for (const index of indices) failures.push({ index, error });
        }
      }),
    ),
  );

  images.sort((a, b) => a.index - b.index);
  failures.sort((a, b) => a.index - b.index);
  calls.sort((a, b) => a.call - b.call);
  if (images.length === 0 && failures[0]) throw failures[0].error;
  return {
    provider: ctx.provider.name,
    model: plan.model,
    prompt: request.prompt,
    request,
    images,
    failures,
    warnings,
    calls,
    usage,
    cost: sumCosts(calls.filter((c) => c.ok).map((c) => c.cost)),
  };
}
