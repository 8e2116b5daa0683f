import { createAPIError } from './create-api-error.js';
import { ResponseValidationError } from '../errors/index.js';
import type { HttpContext } from './http-context.js';
import { readAnswer, readText, readWholeText, sendRequest } from './send-request.js';
import { withRetries, type RetryEvent, type RetryPolicy } from './with-retries.js';

/** A model as the provider's `GET /models` lists it. */
export interface ModelInfo {
  id: string;
  /** Display name where the provider gives one. */
  name: string;
  /** `image` for image models where the provider says; otherwise inferred from the id. */
  type: string | undefined;
  ownedBy: string | undefined;
  /** The provider's whole entry, for fields Pictor does not model. */
  raw: Record<string, unknown>;
}

const MAX_MODELS_BYTES = 16 * 1024 * 1024;

const IMAGE_ID =
  /dall-e|gpt-image|image|flux|stable-diffusion|sdxl|sd3|imagen|ideogram|recraft|kontext|seedream|hidream|playground|juggernaut|dreamshaper/i;

/** Whether a listed model generates images (Together says so in `type`; OpenAI-shaped lists are read by id). */
export function isImageModel(model: ModelInfo): boolean {
  if (model.type) return model.type === 'image';
  return IMAGE_ID.test(model.id);
}

function toModelInfo(entry: unknown): ModelInfo | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const raw = entry as Record<string, unknown>;
  if (typeof raw.id !== 'string') return undefined;
  const name =
    typeof raw.display_name === 'string' ? raw.display_name : typeof raw.name === 'string' ? raw.name : raw.id;
  const type = typeof raw.type === 'string' ? raw.type : undefined;
  const ownedBy =
    typeof raw.owned_by === 'string'
      ? raw.owned_by
      : typeof raw.organization === 'string'
        ? raw.organization
        : undefined;
  return { id: raw.id, name, type, ownedBy, raw };
}

/**
 * `GET {baseURL}/models`, in either shape: Together's bare array of `ModelInfo`, or the OpenAI-shaped
 * `{ object: "list", data: [...] }`. Retried like generation calls.
 */
export async function listModels(
  ctx: HttpContext,
  options: {
    policy: RetryPolicy;
    signal?: AbortSignal | undefined;
    onRetry?: ((event: RetryEvent) => void) | undefined;
    imageOnly?: boolean;
  },
): Promise<ModelInfo[]> {
  const models = await withRetries(
    async (attempt) => {
      const res = await sendRequest(ctx, { method: 'GET', path: '/models', signal: options.signal });
      if (res.status < 200 || res.status >= 300) {
        throw createAPIError({
          status: res.status,
          headers: res.headers,
          bodyText: await readText(res.body),
          url: res.url,
          attempts: attempt,
          redact: ctx.redact,
        });
      }
      // A model list is text, all of it held at once: bounded well below the images' limit, and read strictly (a body
      // timeout is a TimeoutError, an oversized list a clear refusal, neither "not JSON").
      const text = await readAnswer(ctx, res, options.signal, (body) =>
        readWholeText(body, Math.min(ctx.maxResponseBytes, MAX_MODELS_BYTES), `GET ${res.url}`),
      );
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ResponseValidationError(`GET ${res.url} did not answer with JSON`, {
          status: res.status,
          retryable: true,
        });
      }
      const list = Array.isArray(json) ? json : (json as { data?: unknown } | null)?.data;
      if (!Array.isArray(list))
        throw new ResponseValidationError(`GET ${res.url} answered without a list of models`, { status: res.status });
      return list.map(toModelInfo).filter((m): m is ModelInfo => m !== undefined);
    },
    options.policy,
    { ...options, sleep: ctx.sleep },
  );
  return options.imageOnly === false ? models : models.filter(isImageModel);
}
