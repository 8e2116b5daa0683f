import type { GeneratedImage, GenerateOptions, GenerateResult, PartialImage } from '@pictor/core';

/**
 * One event of `PictorService.stream()` / `streamEdit()`: previews as the provider sends them (`partial`, only
 * when the request asks for `partialImages`), each final image as soon as it is decoded (`image`), then the
 * whole result (`result`, the same `GenerateResult` as `generate()` / `edit()` gives), after which the stream
 * completes.
 */
export type PictorStreamEvent =
  | { type: 'partial'; partial: PartialImage }
  | { type: 'image'; image: GeneratedImage }
  | { type: 'result'; result: GenerateResult };

/** Options of `stream()` / `streamEdit()`: those of `generate()`, whose callbacks become the stream's events. */
export type PictorStreamOptions = Omit<GenerateOptions, 'onImage' | 'onPartialImage'>;
