import { renderCached } from './cached-render.js';
import { invalidRequest, type ApiError } from './provider-envelopes.js';
import type { SandboxContext } from './sandbox-context.js';
import { FILES_PATH } from './url-store.js';

/** An `ImageRefParam` of a JSON edit: `{ image_url }` or `{ file_id }`, exactly one (the spec checks that). */
export interface ImageRef {
  image_url?: string;
  file_id?: string;
}

/**
 * The bytes behind a JSON edit's image reference. The sandbox never goes to the network: it reads `data:` URLs
 * and the signed URLs it issued itself (`<publicUrl>/files/…`); it has no Files API, so `file_id` is refused.
 */
export async function fetchImageRef(context: SandboxContext, ref: ImageRef, param: string): Promise<Buffer | ApiError> {
  if (ref.file_id !== undefined) {
    return invalidRequest(
      `Invalid '${param}.file_id': the sandbox has no Files API; reference the image by 'image_url' (a data: URL or a URL the sandbox issued).`,
      `${param}.file_id`,
      'invalid_value',
    );
  }
  return readImageUrl(context, ref.image_url ?? '', `${param}.image_url`);
}

/**
 * The bytes behind one image URL a request carries (`param` names it in errors): a `data:` URL, or a signed URL the
 * sandbox issued itself. Anything else is refused, since the sandbox never goes to the network.
 */
export async function readImageUrl(
  context: SandboxContext,
  text: string,
  urlParam: string,
): Promise<Buffer | ApiError> {
  if (/^data:/i.test(text)) {
    try {
      // Node's fetch decodes data: URLs itself (base64 or percent-encoded) without touching the network.
      const response = await fetch(text);
      return Buffer.from(await response.arrayBuffer());
    } catch {
      return invalidRequest(`Invalid '${urlParam}': not a valid data: URL.`, urlParam, 'invalid_value');
    }
  }
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url && url.origin === context.publicOrigin && url.pathname.startsWith(FILES_PATH)) {
    const found = context.urls.resolve(url.pathname, url.searchParams);
    if (!found.ok) {
      return invalidRequest(
        `Invalid '${urlParam}': the sandbox's image URL answers ${found.status} ${found.code} (${found.detail})`,
        urlParam,
        'invalid_image_url',
      );
    }
    return found.image.bytes ?? renderCached(context, found.image.spec);
  }
  return invalidRequest(
    `Invalid '${urlParam}': the sandbox fetches no images from the network. Send a data: URL, or a URL the sandbox issued (${context.publicOrigin}${FILES_PATH}…).`,
    urlParam,
    'invalid_image_url',
  );
}
