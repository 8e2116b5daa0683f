export { createPictorClient, type PictorClient } from './client/client.js';
export { resolveClientOptions, type PictorClientOptions, type ResolvedClientOptions } from './client/client-options.js';
export {
  imageRequestSchema,
  normalizeRequest,
  toFieldIssues,
  type ImageRequest,
  type NormalizedRequest,
} from './request/image-request.js';
export { ASPECT_RATIOS, ASPECT_RATIO_NAMES, parseSize, type AspectRatio } from './request/aspect-ratios.js';
export {
  PROVIDERS,
  PROVIDER_NAMES,
  SANDBOX_DEFAULT_PORT,
  type Dialect,
  type ProviderName,
  type ProviderPreset,
} from './request/providers.js';
export { capabilitiesFor, OPTIONAL_SETTINGS, type ModelCapabilities, type OptionalSetting } from './request/model-capabilities.js';
export { planGeneration, type CallPlan, type GenerationPlan } from './request/plan-generation.js';
export { toTogetherBody } from './request/together-dialect.js';
export { toOpenAIBody } from './request/openai-dialect.js';
export type { GenerateOptions, GenerateResult, CallInfo, ImageFailure } from './client/generate-images.js';
export { GeneratedImage, type GeneratedImageInit } from './images/generated-image.js';
export { isImageModel, type ModelInfo } from './http/list-models.js';
export type { PictorWarning } from './request/warnings.js';
export type { RetryEvent, RetryPolicy } from './http/with-retries.js';
export { parseErrorBody, type ProviderErrorInfo } from './http/parse-error-body.js';
export { saveImages, type SaveOptions, type SaveResult, type SavedImage } from './storage/save-images.js';
export {
  MANIFEST_FILE,
  readManifest,
  requestKey,
  findCompleteEntry,
  updateManifest,
  type Manifest,
  type ManifestEntry,
  type ManifestImage,
} from './storage/manifest.js';
export { formatFileName, slugify, DEFAULT_FILE_NAME, type FileNameVars } from './storage/file-name.js';
export { writeFileAtomic } from './storage/write-file-atomic.js';
export { parseBatchFile, batchFormatOf, type BatchJob, type BatchFormat } from './batch/parse-batch-file.js';
export { runBatch, type RunBatchOptions, type BatchReport, type BatchEvent } from './batch/run-batch.js';
export { sniffMediaType } from './images/sniff-media-type.js';
export { describeImage } from './images/describe-image.js';
export * from './errors/index.js';
