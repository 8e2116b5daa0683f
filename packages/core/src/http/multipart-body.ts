import type { UploadedFile } from '../request/plan-edit-inputs.js';

/**
 * Encodes fields and files as `multipart/form-data` with the runtime's own encoder (a WHATWG `Request` over a
 * `FormData`, which every runtime the kernel targets has), so the body is bytes the transport seam can send and
 * send again on a retry. Values are written as text, as openai-node writes them (`stream` as `true`).
 */
export async function encodeMultipart(
  fields: Record<string, unknown>,
  files: readonly UploadedFile[],
): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  for (const file of files) {
    form.append(file.field, new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mediaType }), file.name);
  }
  const request = new Request('http://multipart.invalid/', { method: 'POST', body: form });
  const contentType = request.headers.get('content-type');
  if (!contentType) throw new Error('the runtime gave no multipart content type');
  return { body: new Uint8Array(await request.arrayBuffer()), contentType };
}
