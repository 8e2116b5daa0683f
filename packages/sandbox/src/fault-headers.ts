import type { IncomingMessage } from 'node:http';
import { isFaultName, type FaultSpec } from './fault-plan.js';
import { header } from './http-helpers.js';
import { MAX_OVERSIZED_BYTES } from './oversized-image.js';
import { invalidRequest, type ApiError } from './provider-envelopes.js';
import type { ProviderName } from './providers.js';
import type { SandboxContext } from './sandbox-context.js';

/** A non-negative number from a request header, or undefined. */
export function numberHeader(req: IncomingMessage, name: string): number | undefined {
  const raw = header(req, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The fault asked for by `x-sandbox-fault` (with its settings headers), else the plan's next one. */
export function chooseFault(
  context: SandboxContext,
  req: IncomingMessage,
  provider: ProviderName,
): FaultSpec | ApiError | undefined {
  const name = header(req, 'x-sandbox-fault')?.trim();
  if (!name) return context.faults.next(provider);
  if (!isFaultName(name)) {
    return invalidRequest(`Unknown sandbox fault '${name}' in x-sandbox-fault.`, null, 'unknown_sandbox_fault');
  }
  const fault: FaultSpec = { fault: name };
  const retryAfter = numberHeader(req, 'x-sandbox-retry-after');
  const delayMs = numberHeader(req, 'x-sandbox-delay-ms');
  const oversizedBytes = numberHeader(req, 'x-sandbox-oversized-bytes');
  if (retryAfter !== undefined) fault.retryAfter = retryAfter;
  if (delayMs !== undefined) fault.delayMs = delayMs;
  if (oversizedBytes !== undefined) fault.oversizedBytes = Math.min(oversizedBytes, MAX_OVERSIZED_BYTES);
  return fault;
}
