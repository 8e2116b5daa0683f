import { normalizeRequest, type ImageRequest, type NormalizedRequest, type PictorClient } from '@pictor/core';
import { requestKey } from '@pictor/core/storage';

/**
 * The manifest key of a request for this client: its provider, and the request's model else the client's default —
 * exactly as `runBatch` computes it, so a queued prompt and a direct `pictor batch` of it resume each other.
 */
export function pictorJobKey(client: PictorClient, request: ImageRequest | NormalizedRequest): string {
  const normalized = normalizeRequest(request);
  return requestKey(client.provider, normalized.model ?? client.defaultModel ?? '', normalized);
}

/**
 * A validated request back in the form callers write (`size: "auto"`, `aspectRatio` without the pixels it stands
 * for), as plain JSON: what a job stores. Validating it again gives the same request, so the same key.
 */
export function toJobRequest(request: NormalizedRequest): ImageRequest {
  const { autoSize, aspectRatio, width, height, ...rest } = request;
  const size = autoSize ? { size: 'auto' } : aspectRatio ? { aspectRatio } : { width, height };
  return JSON.parse(JSON.stringify({ ...rest, ...size })) as ImageRequest;
}
