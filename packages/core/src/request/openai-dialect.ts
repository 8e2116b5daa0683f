import * as z from 'zod/v4/mini';
import type { CallBodyInput } from './call-body-input.js';

/**
 * Maps a planned call to the OpenAI-shaped body of `POST /images/generations` or `/images/edits` (OpenAI, r9s,
 * AI Stats and other gateways), field by field from `openai-images-and-edits.yaml`. An edit's inputs by URL come
 * in `edit.fields` (`images`, `mask`); uploads travel as files beside these fields.
 */
export function toOpenAIBody({ request, model, n, send, sendsN, edit }: CallBodyInput): Record<string, unknown> {
  const body: Record<string, unknown> = { model, prompt: request.prompt, ...edit?.fields };
  if (sendsN) body.n = n;
  if (send.has('size')) {
    if (request.autoSize) body.size = 'auto';
    else if (request.width !== undefined && request.height !== undefined)
      body.size = `${request.width}x${request.height}`;
  }
  if (send.has('responseFormat')) body.response_format = request.responseFormat === 'url' ? 'url' : 'b64_json';
  if (send.has('outputFormat')) body.output_format = request.outputFormat;
  if (send.has('outputCompression')) body.output_compression = request.outputCompression;
  if (send.has('quality')) body.quality = request.quality;
  if (send.has('style')) body.style = request.style;
  if (send.has('background')) body.background = request.background;
  if (send.has('moderation')) body.moderation = request.moderation;
  if (send.has('user')) body.user = request.user;
  if (send.has('inputFidelity')) body.input_fidelity = request.inputFidelity;
  if (send.has('stream')) body.stream = true;
  if (send.has('partialImages')) body.partial_images = request.partialImages;
  return body;
}

/** Only the fields Pictor reads from an OpenAI-shaped `ImagesResponse`; anything else is tolerated. */
export const openAIResponseSchema = z.looseObject({
  created: z.optional(z.number()),
  data: z.array(
    z.looseObject({
      b64_json: z.optional(z.string()),
      url: z.optional(z.string()),
      revised_prompt: z.optional(z.string()),
    }),
  ),
  usage: z.optional(z.record(z.string(), z.unknown())),
});
