import { createHash } from 'node:crypto';
import { renderImage, type RenderSpec } from './render-image.js';
import type { SandboxContext } from './sandbox-context.js';

/**
 * The cache key of a render: a digest of every input that changes the bytes. A digest, because the prompt is
 * the client's (up to 32 000 characters) and the cache is bounded by image bytes, not key lengths.
 */
export function renderKey(spec: RenderSpec): string {
  const inputs = JSON.stringify([
    spec.prompt,
    spec.seed,
    spec.index,
    spec.width,
    spec.height,
    spec.format,
    spec.compression ?? null,
    spec.transparent === true,
  ]);
  return createHash('sha256').update(inputs, 'utf8').digest('base64');
}

/** Renders through the shared cache, counting renders and hits. */
export async function renderCached(context: SandboxContext, spec: RenderSpec): Promise<Buffer> {
  const { bytes, hit } = await context.cache.get(renderKey(spec), () => renderImage(spec));
  if (hit) context.stats.cacheHits += 1;
  else context.stats.imagesRendered += 1;
  return bytes;
}
