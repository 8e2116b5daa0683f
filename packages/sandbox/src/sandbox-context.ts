import type { FaultScheduler } from './fault-plan.js';
import type { RenderCache } from './render-cache.js';
import type { SandboxStats } from './sandbox-stats.js';
import type { SpecValidator } from './spec-validator.js';
import type { RateLimiter } from './token-bucket.js';
import type { UrlStore } from './url-store.js';

/** Everything the routes share: settings, state and counters of one running sandbox. */
export interface SandboxContext {
  latencyMs: number;
  /** Whether GPT image models' images carry C2PA content credentials unless a request says otherwise. */
  contentCredentials: boolean;
  apiKey: string | undefined;
  oversizedBytes: number;
  maxBodyBytes: number;
  validator: SpecValidator;
  cache: RenderCache;
  urls: UrlStore;
  faults: FaultScheduler;
  limiter: RateLimiter | undefined;
  stats: SandboxStats;
  /** Bound of `stats.faultLog`. */
  faultLogLimit: number;
  /** Origin put in image URLs, e.g. `http://127.0.0.1:8787`. */
  publicOrigin: string;
  /** Aborts when the sandbox closes, so held requests let go. */
  closing: AbortSignal;
}
