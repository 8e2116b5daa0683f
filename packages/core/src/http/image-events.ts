import { createParser } from 'eventsource-parser';
import { ResponseValidationError } from '../errors/index.js';
import { answerValue } from './answer-text.js';
import { createAPIError } from './create-api-error.js';
import type { RawResponse } from './http-context.js';

/** A preview as the stream sent it (OpenAI's `…partial_image` events), before it is checked. */
export interface RawPartialImage {
  /** The index, in the whole result, of the image it previews. */
  index: number;
  /** Which preview of that image, from 0. */
  partialIndex: number;
  bytes: Uint8Array;
}

/** What a stream delivered: its finished images, in order, and the usage of the completed events. */
export interface ImageEvents {
  images: Uint8Array[];
  usage: Record<string, unknown> | undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: unknown, what: string, requestId: string | undefined): Buffer {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new ResponseValidationError(`${what} has no valid base64 image`, { requestId });
  }
  return Buffer.from(text, 'base64');
}

function addUsage(into: Record<string, unknown> | undefined, add: unknown, redact: (t: string) => string) {
  if (typeof add !== 'object' || add === null) return into;
  const out: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(answerValue(add, redact) as Record<string, unknown>)) {
    const prev = out[key];
    out[key] = typeof value === 'number' && typeof prev === 'number' ? prev + value : (prev ?? value);
  }
  return out;
}

/**
 * Reads OpenAI's image stream (`text/event-stream`: `image_generation.partial_image` / `.completed`, or
 * `image_edit.…`) with `eventsource-parser`: each partial goes to `onPartial` as it arrives, each completed image
 * is kept, in order, for the same decoding as a JSON answer's. An `error` event becomes the typed error of its
 * kind. Everything read counts against `maxBytes`; leaving early (an error, the caller's abort) cancels the body,
 * which frees the socket.
 */
export async function readImageEvents(
  res: RawResponse,
  options: {
    firstIndex: number;
    maxBytes: number;
    requestId: string | undefined;
    attempts: number;
    redact: (text: string) => string;
    onPartial?: ((partial: RawPartialImage) => void) | undefined;
  },
): Promise<ImageEvents> {
  const images: Uint8Array[] = [];
  let usage: Record<string, unknown> | undefined;
  let failure: Error | undefined;
  const { requestId } = options;

  const onData = (name: string | undefined, data: string): void => {
    if (data === '[DONE]') return;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(data) as Record<string, unknown>;
    } catch {
      throw new ResponseValidationError('The image stream sent an event that is not JSON', { requestId });
    }
    if (name === 'error' || event.error !== undefined || event.type === 'error') {
      const error = (event.error ?? event) as Record<string, unknown>;
      // An error inside a 200 stream has no status of its own: a server error is retried, anything else is not.
      const status = error.type === 'server_error' ? 500 : 400;
      throw createAPIError({
        status,
        headers: {},
        bodyText: JSON.stringify({ error }),
        url: res.url,
        attempts: options.attempts,
        redact: options.redact,
      });
    }
    const type = typeof event.type === 'string' ? event.type : '';
    if (type.endsWith('.partial_image')) {
      const bytes = decodeBase64(event.b64_json, 'A partial image event', requestId);
      const partialIndex = Number.isInteger(event.partial_image_index) ? (event.partial_image_index as number) : 0;
      options.onPartial?.({ index: options.firstIndex + images.length, partialIndex, bytes });
    } else if (type.endsWith('.completed')) {
      images.push(decodeBase64(event.b64_json, 'A completed image event', requestId));
      usage = addUsage(usage, event.usage, options.redact);
    }
    // Events of other types are newer than this code: skipped, as openai-node's stream passes them on unread.
  };

  const parser = createParser({
    onEvent: (message) => {
      if (failure) return;
      try {
        onData(message.event, message.data);
      } catch (error) {
        failure = error as Error;
      }
    },
  });
  const text = new TextDecoder();
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > options.maxBytes) {
      throw new ResponseValidationError(`The image stream is larger than ${options.maxBytes} bytes`, {
        requestId,
        retryable: false,
      });
    }
    parser.feed(text.decode(chunk, { stream: true }));
    if (failure) throw failure; // leaving the loop cancels the rest of the body
  }
  parser.feed(text.decode());
  if (failure) throw failure;
  return { images, usage };
}
