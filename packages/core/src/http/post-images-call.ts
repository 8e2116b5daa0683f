import type * as z from 'zod/v4/mini';
import { answerText, answerValue, MAX_ID_CHARS } from './answer-text.js';
import { createAPIError } from './create-api-error.js';
import { ResponseValidationError } from '../errors/index.js';
import type { HttpContext } from './http-context.js';
import { parseImagesBody, parseImagesBodyBytes } from './images-body-parser.js';
import { openAIResponseSchema } from '../request/openai-dialect.js';
import type { CallPlan } from '../request/plan-generation.js';
import type { Dialect } from '../request/providers.js';
import { readAnswer, readText, sendRequest } from './send-request.js';
import { togetherResponseSchema } from '../request/together-dialect.js';
import { withRetries, type RetryEvent, type RetryPolicy } from './with-retries.js';
import { readImageEvents, type RawPartialImage } from './image-events.js';
import { encodeMultipart } from './multipart-body.js';

/** One image as the provider answered it, before download and inspection. */
export interface RawImageItem {
  /** Position within this call's answer. */
  position: number;
  bytes?: Buffer;
  url?: string;
  revisedPrompt?: string;
}

/** What one HTTP call produced, and how it went. */
export interface CallOutcome {
  items: RawImageItem[];
  requestId: string | undefined;
  responseId: string | undefined;
  attempts: number;
  durationMs: number;
  usage: Record<string, unknown> | undefined;
}

const MARKER = /^\$pictor:binary:(\d+)$/;

/** Answers up to this size (by `content-length`) are read whole and parsed at once; larger ones stream. */
const SMALL_ANSWER_BYTES = 256 * 1024;

function schemaFor(
  dialect: Dialect,
): z.ZodMiniType<{ data: Array<Record<string, unknown>> } & Record<string, unknown>> {
  return dialect === 'together' ? togetherResponseSchema : openAIResponseSchema;
}

/**
 * Sends one planned call (`POST /images/generations` or `/images/edits`, JSON or multipart) with retries (the
 * same idempotency key on every attempt), streams a JSON answer through the base64-aware parser and validates it
 * against the dialect's schema, or reads an event stream's partial and completed images.
 */
export async function postImagesCall(
  ctx: HttpContext,
  call: CallPlan,
  dialect: Dialect,
  options: {
    policy: RetryPolicy;
    signal?: AbortSignal | undefined;
    onRetry?: ((event: RetryEvent) => void) | undefined;
    onPartial?: ((partial: RawPartialImage) => void) | undefined;
  },
): Promise<CallOutcome> {
  const started = ctx.now();
  const idempotencyKey = `pictor-${crypto.randomUUID()}`;
  // Encoded once: every attempt sends the same bytes.
  const form = call.files ? await encodeMultipart(call.body, call.files) : undefined;
  let attempts = 0;
  const outcome = await withRetries(
    async (attempt) => {
      attempts = attempt;
      const res = await sendRequest(ctx, {
        method: 'POST',
        path: call.path,
        ...(form ? { raw: form } : { json: call.body }),
        headers: {
          'idempotency-key': idempotencyKey,
          ...(call.stream ? { accept: 'text/event-stream, application/json' } : {}),
        },
        signal: options.signal,
      });
      if (res.status < 200 || res.status >= 300) {
        const bodyText = await readText(res.body);
        throw createAPIError({
          status: res.status,
          headers: res.headers,
          bodyText,
          url: res.url,
          attempts: attempt,
          redact: ctx.redact,
        });
      }
      const rawRequestId = res.headers['x-request-id'] ?? res.headers['request-id'];
      // What a successful answer says goes into results and manifests: never the key, never a novel.
      const requestId = rawRequestId === undefined ? undefined : answerText(rawRequestId, ctx.redact, MAX_ID_CHARS);
      // A provider that does not stream answers JSON even when asked for events: both are read.
      if (/^text\/event-stream/i.test(res.headers['content-type'] ?? '')) {
        const events = await readAnswer(ctx, res, options.signal, () =>
          readImageEvents(res, {
            firstIndex: call.firstIndex,
            maxBytes: ctx.maxResponseBytes,
            requestId,
            attempts: attempt,
            redact: ctx.redact,
            onPartial: options.onPartial,
          }),
        );
        return {
          items: events.images.map((bytes, position): RawImageItem => ({ position, bytes: bytes as Buffer })),
          requestId,
          responseId: undefined,
          usage: events.usage,
        };
      }
      const parseOptions = { maxBytes: ctx.maxResponseBytes, requestId, status: res.status };
      const parsed = await readAnswer(ctx, res, options.signal, async (body) => {
        // A small answer of known length: read it whole, parse it at once.
        if (Number(res.headers['content-length']) <= SMALL_ANSWER_BYTES) {
          return parseImagesBodyBytes(await body.bytes(), parseOptions);
        }
        const streamed = await parseImagesBody(body, parseOptions);
        // Read whatever trails the document so the connection goes back to the pool.
        await body.discard();
        return streamed;
      });
      const checked = schemaFor(dialect).safeParse(parsed.json);
      if (!checked.success) {
        const where = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        throw new ResponseValidationError(
          `The provider's answer does not match the ${dialect} images schema: ${where}`,
          {
            requestId,
            status: res.status,
          },
        );
      }
      const items = checked.data.data.map((entry, position): RawImageItem => {
        const b64 = typeof entry.b64_json === 'string' ? MARKER.exec(entry.b64_json) : null;
        const bytes = b64 ? parsed.binaries[Number(b64[1])] : undefined;
        const url = typeof entry.url === 'string' && entry.url ? entry.url : undefined;
        if (!bytes && !url) {
          throw new ResponseValidationError(`Image ${position} of the answer has neither b64_json nor url`, {
            requestId,
            status: res.status,
          });
        }
        const revised = entry.revised_prompt;
        return {
          position,
          bytes,
          url,
          revisedPrompt: typeof revised === 'string' ? answerText(revised, ctx.redact) : undefined,
        };
      });
      const data = checked.data as Record<string, unknown>;
      return {
        items,
        requestId,
        responseId: typeof data.id === 'string' ? answerText(data.id, ctx.redact, MAX_ID_CHARS) : undefined,
        usage:
          typeof data.usage === 'object' && data.usage !== null
            ? (answerValue(data.usage, ctx.redact) as Record<string, unknown>)
            : undefined,
      };
    },
    options.policy,
    { ...options, sleep: ctx.sleep },
  );
  return { ...outcome, attempts, durationMs: Math.round(ctx.now() - started) };
}
