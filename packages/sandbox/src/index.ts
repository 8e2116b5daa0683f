export { startSandbox, type Sandbox, type SandboxOptions } from './start-sandbox.js';
export {
  FAULT_NAMES,
  parseFaultPlan,
  type FaultMix,
  type FaultName,
  type FaultPlan,
  type FaultSettings,
  type FaultSpec,
  type FaultStep,
} from './fault-plan.js';
export type { FaultLogEntry, SandboxStats } from './sandbox-stats.js';
export type { RateLimitHeaders, RateLimitOptions } from './token-bucket.js';
export { PROVIDER_NAMES, SANDBOX_DEFAULT_PORT, type ProviderName } from './providers.js';
export { modelCatalogue, type ImageModel, type SizeRule } from './model-catalogue.js';
export { renderImage, type ImageFormat, type RenderSpec } from './render-image.js';
