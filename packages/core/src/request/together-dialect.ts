import * as z from 'zod/v4/mini';
import type { CallBodyInput } from './call-body-input.js';

/**
 * Maps a planned call to Together's `POST /images/generations` body, field by field from
 * `together-images-only.yaml`. Settings the planner dropped never reach here.
 */
export function toTogetherBody({
  request,
  model,
  n,
  seed,
  send,
  sendsN,
  edit,
}: CallBodyInput): Record<string, unknown> {
  const body: Record<string, unknown> = { model, prompt: request.prompt };
  if (sendsN) body.n = n;
  if (send.has('size') && request.width !== undefined && request.height !== undefined) {
    body.width = request.width;
    body.height = request.height;
  }
  if (seed !== undefined) body.seed = seed;
  if (send.has('steps')) body.steps = request.steps;
  if (send.has('guidanceScale')) body.guidance_scale = request.guidanceScale;
  if (send.has('negativePrompt')) body.negative_prompt = request.negativePrompt;
  if (send.has('outputFormat')) body.output_format = request.outputFormat;
  body.response_format = request.responseFormat ?? 'base64';
  if (send.has('loras')) body.image_loras = request.loras;
  if (send.has('referenceImages')) body.reference_images = request.referenceImages;
  if (send.has('imageUrl')) body.image_url = request.imageUrl;
  if (send.has('disableSafetyChecker')) body.disable_safety_checker = request.disableSafetyChecker;
  // An edit's inputs: `image_url` or `reference_images`, as planned for the model.
  return { ...body, ...edit?.fields };
}

/** Only the fields Pictor reads from Together's `ImageResponse`; anything else is tolerated. */
export const togetherResponseSchema = z.looseObject({
  id: z.optional(z.string()),
  model: z.optional(z.string()),
  data: z.array(
    z.looseObject({
      index: z.optional(z.number().check(z.int())),
      b64_json: z.optional(z.string()),
      url: z.optional(z.string()),
      type: z.optional(z.string()),
    }),
  ),
});
