import { renderImage, type RenderSpec } from './render-image.js';
import type { SandboxContext } from './sandbox-context.js';

/** The cache key of a render: every input that changes the bytes. */
export function renderKey(spec: RenderSpec): string {
  return JSON.stringify([spec.prompt, spec.seed, spec.index, spec.width, spec.height, spec.format, spec.compression ?? null, spec.transparent === true]);
}

/** Renders through the shared cache, counting renders and hits. */
export async function renderCached(context: SandboxContext, spec: RenderSpec): Promise<Buffer> {
  const { bytes, hit } = await context.cache.get(renderKey(spec), () => renderImage(spec));
  if (hit) context.stats.cacheHits += 1;
  else context.stats.imagesRendered += 1;
  return bytes;
}
