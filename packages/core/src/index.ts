export { createPictorClient, type PictorClient } from './client.js';
export { resolveClientOptions, type PictorClientOptions, type ResolvedClientOptions } from './client-options.js';
export {
  imageRequestSchema,
  normalizeRequest,
  toFieldIssues,
  type ImageRequest,
  type NormalizedRequest,
} from './image-request.js';
export { ASPECT_RATIOS, ASPECT_RATIO_NAMES, parseSize, type AspectRatio } from './aspect-ratios.js';
export {
  PROVIDERS,
  PROVIDER_NAMES,
  SANDBOX_DEFAULT_PORT,
  type Dialect,
  type ProviderName,
  type ProviderPreset,
} from './providers.js';
export { capabilitiesFor, OPTIONAL_SETTINGS, type ModelCapabilities, type OptionalSetting } from './model-capabilities.js';
export { planGeneration, type CallPlan, type GenerationPlan } from './plan-generation.js';
export { toTogetherBody } from './together-dialect.js';
export { toOpenAIBody } from './openai-dialect.js';
export type { GenerateOptions, GenerateResult, CallInfo, ImageFailure } from './generate-images.js';
export { GeneratedImage, type GeneratedImageInit } from './generated-image.js';
export { isImageModel, type ModelInfo } from './list-models.js';
export type { PictorWarning } from './warnings.js';
export type { RetryEvent, RetryPolicy } from './with-retries.js';
export { parseErrorBody, type ProviderErrorInfo } from './parse-error-body.js';
export { saveImages, type SaveOptions, type SaveResult, type SavedImage } from './save-images.js';
export {
  MANIFEST_FILE,
  readManifest,
  requestKey,
  findCompleteEntry,
  updateManifest,
  type Manifest,
  type ManifestEntry,
  type ManifestImage,
} from './manifest.js';
export { formatFileName, slugify, DEFAULT_FILE_NAME, type FileNameVars } from './file-name.js';
export { writeFileAtomic } from './write-file-atomic.js';
export { parseBatchFile, batchFormatOf, type BatchJob, type BatchFormat } from './parse-batch-file.js';
export { runBatch, type RunBatchOptions, type BatchReport, type BatchEvent } from './run-batch.js';
export { sniffMediaType } from './sniff-media-type.js';
export { describeImage } from './describe-image.js';
export * from './errors/index.js';
