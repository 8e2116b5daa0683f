import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderCached } from '../cached-render.js';
import { buildGenerationJob } from '../generation-request.js';
import { BodyTooLargeError, readBody } from '../http-helpers.js';
import { invalidJson, payloadTooLarge, type ApiError } from '../provider-envelopes.js';
import type { ProviderName } from '../providers.js';
import type { SandboxContext } from '../sandbox-context.js';
import { renderSpec, serveImages, type RequestNote } from './serve-images.js';

export type { RequestNote } from './serve-images.js';

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
  return serveImages(context, req, res, provider, requestId, note, {
    async read(request): Promise<Buffer | ApiError> {
      try {
        return await readBody(request, context.maxBodyBytes);
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
      return { job, renderable: true, render: (index) => renderCached(context, renderSpec(job, index)) };
    },
  });
}
