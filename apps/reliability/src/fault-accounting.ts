import type { FaultLogEntry, FaultName } from '@pictor/sandbox';
import type { Exchange } from './exchange-tracker.ts';

/** How the client met a failed attempt: a retry event, or the typed error `generate()` rejected with. */
export type Outcome = 'retry' | 'final';

/** What the client saw of one failed attempt. */
export interface Observation {
  outcome: Outcome;
  /** The error's class name, e.g. `RateLimitError`. */
  errorClass: string;
}

/** The Pictor error class an injected fault must surface as (in a retry event or a final rejection). */
export const EXPECTED_CLASS: Record<FaultName, string> = {
  'rate-limit': 'RateLimitError',
  quota: 'QuotaExceededError',
  'server-error': 'InternalServerError',
  unavailable: 'ServiceUnavailableError',
  reset: 'ConnectionError',
  'slow-headers': 'TimeoutError',
  'truncated-json': 'ResponseValidationError',
  'malformed-json': 'ResponseValidationError',
  'invalid-base64': 'ResponseValidationError',
  oversized: 'ResponseValidationError',
  'expired-url': 'DownloadError',
};

/** One task's failed attempts: retries by attempt number, and the final error if the task failed. */
export interface TaskRecord {
  exchanges: Exchange[];
  retries: Array<{ attempt: number; errorClass: string }>;
  finalError?: string;
}

/**
 * Collects what the client observed, keyed by the sandbox request id of the attempt it came from.
 *
 * A task is one `generate()` of one image: one logical call, whose attempts are its POST exchanges in order.
 * The retry event of attempt k belongs to the k-th POST; a final error belongs to the last POST (for a
 * `DownloadError` too: the last POST answered with the URLs that could not be fetched). An attempt whose
 * response headers never arrived has no request id the client could know (the server held them back past the
 * timeout): its observation goes to an unidentified pool, by class.
 */
export class ObservationLedger {
  readonly byRequestId = new Map<string, Observation>();
  /** Observations of attempts whose request id the client never saw, by `outcome:errorClass`. */
  readonly unidentified = new Map<string, number>();
  /** Tasks whose attempts and events did not line up (each should be 0: a bug in the soak or in core's events). */
  inconsistentTasks = 0;

  add(task: TaskRecord): void {
    const posts = task.exchanges.filter((e) => e.method === 'POST');
    // Every attempt but the last is followed by a retry event, so a task makes one POST more than it retries.
    if (posts.length !== task.retries.length + 1) this.inconsistentTasks += 1;
    for (const { attempt, errorClass } of task.retries)
      this.#record(posts[attempt - 1], { outcome: 'retry', errorClass });
    if (task.finalError !== undefined)
      this.#record(posts[posts.length - 1], { outcome: 'final', errorClass: task.finalError });
  }

  #record(exchange: Exchange | undefined, observation: Observation): void {
    if (exchange?.requestId) this.byRequestId.set(exchange.requestId, observation);
    else {
      const key = `${observation.outcome}:${observation.errorClass}`;
      this.unidentified.set(key, (this.unidentified.get(key) ?? 0) + 1);
    }
  }
}

/** How the faults of one kind were met. */
export interface FaultTally {
  injected: number;
  /** Met by a retry event of the expected class. */
  retried: number;
  /** Met by a final typed error of the expected class. */
  typedFinal: number;
  /** Of those, matched by count because the client never saw the request id (headers held back). */
  byCount: number;
  unaccounted: number;
}

export interface FaultAccount {
  byFault: Partial<Record<FaultName, FaultTally>>;
  injected: number;
  accounted: number;
  unaccounted: number;
  /** Up to 10 faults not met as expected, for the report. */
  examples: string[];
  /** Client observations that no injected fault explains (for example a timeout under CPU starvation). */
  unexplainedObservations: number;
}

/**
 * Matches every fault the sandbox logged to what the client observed for that request: by request id when the
 * response headers reached the client, else (headers held back past the client's timeout) by count against
 * the observations that carry no request id, class by class.
 */
export function accountFaults(faultLog: FaultLogEntry[], ledger: ObservationLedger): FaultAccount {
  const byFault: Partial<Record<FaultName, FaultTally>> = {};
  const pool = new Map(ledger.unidentified);
  const examples: string[] = [];
  let accounted = 0;
  let matchedById = 0;
  let matchedByCount = 0;
  for (const entry of faultLog) {
    const tally = (byFault[entry.fault] ??= { injected: 0, retried: 0, typedFinal: 0, byCount: 0, unaccounted: 0 });
    tally.injected += 1;
    const expected = EXPECTED_CLASS[entry.fault];
    const seen = ledger.byRequestId.get(entry.requestId);
    if (seen && seen.errorClass === expected) {
      tally[seen.outcome === 'retry' ? 'retried' : 'typedFinal'] += 1;
      accounted += 1;
      matchedById += 1;
      continue;
    }
    const key = [`retry:${expected}`, `final:${expected}`].find((k) => (pool.get(k) ?? 0) > 0);
    if (!seen && key) {
      pool.set(key, (pool.get(key) ?? 0) - 1);
      tally.byCount += 1;
      tally[key.startsWith('retry:') ? 'retried' : 'typedFinal'] += 1;
      accounted += 1;
      matchedByCount += 1;
      continue;
    }
    tally.unaccounted += 1;
    if (examples.length < 10) {
      examples.push(
        `${entry.fault} on ${entry.requestId}: ${seen ? `the client saw ${seen.errorClass} (${seen.outcome}), expected ${expected}` : 'the client saw no failure for this request'}`,
      );
    }
  }
  const observations = ledger.byRequestId.size + [...ledger.unidentified.values()].reduce((a, b) => a + b, 0);
  return {
    byFault,
    injected: faultLog.length,
    accounted,
    unaccounted: faultLog.length - accounted,
    examples,
    unexplainedObservations: observations - matchedById - matchedByCount,
  };
}
