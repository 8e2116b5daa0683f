import type { GeneratedImage, GenerateResult } from '@pictor/core';
import { costJson, type CostJson } from './cost-json.js';
import type { ImageStore } from './image-store.js';

/** One generated image as the app describes it; its bytes are at `url`. */
export interface ImageSummary {
  id: string;
  url: string;
  index: number;
  width: number;
  height: number;
  seed: number | null;
  mediaType: string;
  sha256: string;
  byteLength: number;
  /** The image's share of its call's cost. */
  cost: CostJson;
}

/** Keeps an image in the store and describes it. */
export function storeImage(store: ImageStore, image: GeneratedImage): ImageSummary {
  const id = store.add(image);
  return {
    id,
    url: `/images/${id}`,
    index: image.index,
    width: image.width,
    height: image.height,
    seed: image.seed ?? null,
    mediaType: image.mediaType,
    sha256: image.sha256,
    byteLength: image.bytes.length,
    cost: costJson(image.cost),
  };
}

/**
 * The answer to a generation or an edit: its images (already stored, as `summaries`, or stored now), what it
 * cost and the usage the provider reported, the failures and warnings; an edit adds what was edited (`inputs`,
 * `mask`: media type, size, dimensions, hash).
 */
export function imagesResponse(result: GenerateResult, summaries: ImageSummary[]) {
  return {
    provider: result.provider,
    model: result.model,
    images: summaries,
    cost: costJson(result.cost),
    usage: result.usage ?? null,
    failures: result.failures.map((f) => ({ index: f.index, error: f.error.name, message: f.error.message })),
    warnings: result.warnings,
    ...(result.operation === 'edit' && { inputs: result.inputs, ...(result.mask && { mask: result.mask }) }),
  };
}
