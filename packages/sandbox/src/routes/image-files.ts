import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderCached } from '../cached-render.js';
import { withContentCredentials } from '../content-credentials.js';
import { sendText } from '../fault-responses.js';
import { writeChunk } from '../http-helpers.js';
import { padImage } from '../oversized-image.js';
import { MIME_TYPES } from '../render-image.js';
import type { SandboxContext } from '../sandbox-context.js';
import { blobErrorXml } from '../url-store.js';

/** `GET /files/<id>.<ext>?se=…&sig=…`: an image behind a signed, expiring URL. */
export async function handleImageFile(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
): Promise<void> {
  const found = context.urls.resolve(url.pathname, url.searchParams);
  if (!found.ok) {
    return sendText(res, found.status, blobErrorXml(found.code, found.detail, requestId), {
      'content-type': 'application/xml',
      'x-ms-error-code': found.code,
    });
  }
  const { spec, oversizedBytes } = found.image;
  let bytes = found.image.bytes ?? (await renderCached(context, spec));
  if (!found.image.bytes && found.image.contentCredentials) bytes = withContentCredentials(bytes, spec.format);
  // The oversized image streams from shared fill buffers: a fetch holds no copy of it.
  const image = padImage(bytes, spec.format, oversizedBytes ?? 0);
  context.stats.urlDownloads += 1;
  res.writeHead(200, {
    'content-type': MIME_TYPES[spec.format],
    'content-length': image.length,
    'cache-control': 'private, max-age=3600',
  });
  if (req.method === 'HEAD') return void res.end();
  for (const chunk of image.chunks()) if (!(await writeChunk(res, chunk))) return;
  res.end();
}
