// The portable kernel (`@pictor/core/kernel`): everything an adapter needs to validate, plan, send and decode,
// touching no Node-only module, no `process`/`globalThis` and no timer. Bring a transport and a sleep (the n8n
// node brings n8n's); on Node use `@pictor/core`, elsewhere `@pictor/core/fetch`.
export { createPictorClient, type PictorClient, type PictorRuntime } from './client/client.js';
export { resolveClientOptions, type PictorClientOptions, type ResolvedClientOptions } from './client/client-options.js';
export type {
  GenerateOptions,
  GenerateResult,
  CallInfo,
  ImageFailure,
  PartialImage,
} from './client/generate-images.js';
export type { ReadInputFile } from './client/read-input-file.js';
export type { CostEstimate } from './client/estimate-cost.js';
export { createBudget, type Budget } from './cost/budget.js';
export { DEFAULT_PRICES } from './cost/default-prices.js';
export { priceEntriesSchema, priceFor, type PriceEntry, type PriceRule } from './cost/price-table.js';
export { estimateCallUsd, type Cost } from './cost/estimate-cost.js';
export type { EditRequest, ImageInput, InputImageInfo } from './request/edit-request.js';

export {
  bytesBody,
  type ResolveHost,
  type Transport,
  type TransportBody,
  type TransportRequest,
  type TransportResponse,
} from './http/transport.js';
export type { Sleep } from './http/http-context.js';
export type { RetryEvent, RetryPolicy } from './http/with-retries.js';
export { isImageModel, type ModelInfo } from './http/list-models.js';

export {
  imageRequestSchema,
  normalizeRequest,
  validateRequestDefaults,
  type ImageRequest,
  type NormalizedRequest,
} from './request/image-request.js';
export { ASPECT_RATIOS, ASPECT_RATIO_NAMES, type AspectRatio } from './request/aspect-ratios.js';
export {
  PROVIDERS,
  PROVIDER_NAMES,
  SANDBOX_DEFAULT_PORT,
  type Dialect,
  type ProviderName,
  type ProviderPreset,
} from './request/providers.js';
export { capabilitiesFor, type EditCapabilities, type ModelCapabilities } from './request/model-capabilities.js';
export type { PictorWarning } from './request/warnings.js';

export { GeneratedImage, type GeneratedImageInit } from './images/generated-image.js';
export { describeImage, type ImageDescription } from './images/describe-image.js';
export { sniffMediaType } from './images/sniff-media-type.js';
export { hasContentCredentials } from './images/content-credentials.js';
export {
  formatFileName,
  checkFileNamePattern,
  fileNamePatternProblem,
  DEFAULT_FILE_NAME,
  MAX_FILE_NAME_BYTES,
  type FileNameVars,
} from './images/file-name.js';

export { stripControl } from './text/strip-control.js';

export * from './errors/index.js';
