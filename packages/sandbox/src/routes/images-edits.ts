import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildJsonEdit, buildMultipartEdit } from '../edit-request.js';
import { BodyTooLargeError, header, readBody } from '../http-helpers.js';
import { EDIT_FORM_LIMITS, readMultipartForm, type ParsedForm } from '../multipart-form.js';
import { invalidJson, invalidRequest, payloadTooLarge, type ApiError } from '../provider-envelopes.js';
import type { ProviderName } from '../providers.js';
import { renderEditCached } from '../render-edit.js';
import type { SandboxContext } from '../sandbox-context.js';
import { renderSpec, serveImages, type RequestNote } from './serve-images.js';

type EditBody = { kind: 'form'; form: ParsedForm } | { kind: 'json'; bytes: Buffer };

/**
 * `POST /<provider>/v1/images/edits`, on the stand-ins whose spec documents it (OpenAI): a multipart form with
 * `image`/`image[]` and `mask` files, or a JSON body with `images: [{ image_url }]`.
 */
export async function handleImagesEdits(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  provider: ProviderName,
  requestId: string,
  note: RequestNote,
): Promise<void> {
  context.stats.edits[provider] += 1;
  return serveImages<EditBody>(context, req, res, provider, requestId, note, {
    async read(request): Promise<EditBody | ApiError> {
      const type = (header(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type === 'multipart/form-data') {
        const form = await readMultipartForm(request, EDIT_FORM_LIMITS);
        return 'status' in form ? form : { kind: 'form', form };
      }
      try {
        // JSON edits carry their images as data: URLs: the same bound as a form.
        const bytes = await readBody(request, EDIT_FORM_LIMITS.totalBytes);
        if (type !== 'application/json') {
          return invalidRequest(
            `Invalid Content-Type '${type || '(none)'}': send multipart/form-data or application/json.`,
            null,
            'invalid_content_type',
          );
        }
        return { kind: 'json', bytes };
      } catch (error) {
        if (error instanceof BodyTooLargeError) return payloadTooLarge(error.limit);
        throw error;
      }
    },
    async prepare(raw) {
      let edit;
      if (raw.kind === 'form') edit = await buildMultipartEdit(context, provider, raw.form);
      else {
        let body: unknown;
        try {
          body = JSON.parse(raw.bytes.toString('utf8'));
        } catch {
          return invalidJson();
        }
        edit = await buildJsonEdit(context, provider, body);
      }
      if ('status' in edit) return edit;
      const { job, images, mask } = edit;
      job.inputImages = images.length;
      return {
        job,
        renderable: false,
        render: (index) =>
          renderEditCached(context, { ...renderSpec(job, index), input: images[0]!, ...(mask ? { mask } : {}) }),
      };
    },
  });
}
