import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderCached } from '../cached-render.js';
import { buildGenerationJob } from '../generation-request.js';
import { BodyTooLargeError, readBody } from '../http-helpers.js';
import { EDIT_FORM_LIMITS } from '../multipart-form.js';
import { invalidJson, payloadTooLarge, type ApiError } from '../provider-envelopes.js';
import type { ProviderName } from '../providers.js';
import { renderEditCached } from '../render-edit.js';
import type { SandboxContext } from '../sandbox-context.js';
import { readTogetherInputs } from '../together-edit-inputs.js';
import { renderSpec, serveImages, type RequestNote } from './serve-images.js';

export type { RequestNote } from './serve-images.js';

/**
 * `POST /<provider>/v1/images/generations`. On Together it also edits: `image_url` / `reference_images` make the
 * picture derive from the first input image, rendered as the OpenAI stand-in renders its edits.
 */
export async function handleImagesGenerations(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  provider: ProviderName,
  requestId: string,
  note: RequestNote,
): Promise<void> {
  context.stats.generations[provider] += 1;
  return serveImages(context, req, res, provider, requestId, note, {
    async read(request): Promise<Buffer | ApiError> {
      try {
        // Together's body may carry input images as data: URLs: the same bound as OpenAI's JSON edits.
        const limit = provider === 'together' ? EDIT_FORM_LIMITS.totalBytes : context.maxBodyBytes;
        return await readBody(request, limit);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return payloadTooLarge(error.limit);
        throw error;
      }
    },
    async prepare(raw) {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return invalidJson();
      }
      const job = buildGenerationJob(provider, body, context.validator);
      if ('status' in job) return job;
      if (provider === 'together') {
        const images = await readTogetherInputs(context, job, body as Record<string, unknown>);
        if ('status' in images) return images;
        if (images.length > 0) {
          job.inputImages = images.length;
          return {
            job,
            renderable: false,
            render: (index) => renderEditCached(context, { ...renderSpec(job, index), input: images[0]! }),
          };
        }
      }
      return { job, renderable: true, render: (index) => renderCached(context, renderSpec(job, index)) };
    },
  });
}
