import { FAULT_NAMES, type FaultName } from './fault-plan.js';
import { PROVIDER_NAMES, type ProviderName } from './providers.js';

/** One injected fault, tied to the request that carried it. */
export interface FaultLogEntry {
  requestId: string;
  fault: FaultName;
  provider: ProviderName;
  /** Epoch ms. */
  at: number;
}

/** Counters a test can assert on. Live: read them at any time; `reset()` zeroes them. */
export interface SandboxStats {
  /** Every HTTP request the sandbox answered (API calls, image downloads, control calls). */
  requests: number;
  /** `POST …/images/generations` calls per stand-in. */
  generations: Record<ProviderName, number>;
  /** `POST …/images/edits` calls per stand-in. */
  edits: Record<ProviderName, number>;
  /** Server-sent event streams stopped because the client went away before the last event. */
  streamsCancelled: number;
  /** Images encoded from scratch (render-cache misses). */
  imagesRendered: number;
  /** Images served from the render cache. */
  cacheHits: number;
  /** Images returned in responses (inline or as URLs). */
  imagesServed: number;
  /** Image downloads through the sandbox's signed URLs. */
  urlDownloads: number;
  /** Requests refused by the token bucket. */
  rateLimited: number;
  /** Injected faults by name. */
  faults: Record<FaultName, number>;
  /** The injected faults with their request ids, in order: the newest `faultLogLimit` (default 10 000). */
  faultLog: FaultLogEntry[];
  /** Entries dropped from the front of `faultLog` to keep it within its limit. */
  faultLogDropped: number;
  /** Zeroes every counter and empties the fault log. */
  reset(): void;
}

function zeroed<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function createStats(): SandboxStats {
  const stats: SandboxStats = {
    requests: 0,
    generations: zeroed(PROVIDER_NAMES),
    edits: zeroed(PROVIDER_NAMES),
    streamsCancelled: 0,
    imagesRendered: 0,
    cacheHits: 0,
    imagesServed: 0,
    urlDownloads: 0,
    rateLimited: 0,
    faults: zeroed(FAULT_NAMES),
    faultLog: [],
    faultLogDropped: 0,
    reset() {
      stats.requests = 0;
      stats.generations = zeroed(PROVIDER_NAMES);
      stats.edits = zeroed(PROVIDER_NAMES);
      stats.streamsCancelled = 0;
      stats.imagesRendered = 0;
      stats.cacheHits = 0;
      stats.imagesServed = 0;
      stats.urlDownloads = 0;
      stats.rateLimited = 0;
      stats.faults = zeroed(FAULT_NAMES);
      stats.faultLog = [];
      stats.faultLogDropped = 0;
    },
  };
  Object.defineProperty(stats, 'reset', { enumerable: false });
  return stats;
}

/** Default bound of the fault log. */
export const DEFAULT_FAULT_LOG_LIMIT = 10_000;

/** Counts an injected fault and logs it, dropping the oldest entry once the log holds `limit`. */
export function recordFault(
  stats: SandboxStats,
  requestId: string,
  fault: FaultName,
  provider: ProviderName,
  limit = DEFAULT_FAULT_LOG_LIMIT,
): void {
  stats.faults[fault] += 1;
  stats.faultLog.push({ requestId, fault, provider, at: Date.now() });
  // A plain array stays what readers of `faultLog` expect; shift() on 10 000 entries is a short memmove.
  while (stats.faultLog.length > limit) {
    stats.faultLog.shift();
    stats.faultLogDropped += 1;
  }
}
