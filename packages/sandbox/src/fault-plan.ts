import { isProviderName, type ProviderName } from './providers.js';
import { mulberry32 } from './seeded-random.js';

/** Every fault the sandbox can inject (the value of the `x-sandbox-fault` header). */
export const FAULT_NAMES = [
  'rate-limit',
  'quota',
  'server-error',
  'unavailable',
  'reset',
  'slow-headers',
  'truncated-json',
  'malformed-json',
  'invalid-base64',
  'oversized',
  'expired-url',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export function isFaultName(value: string): value is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(value);
}

/** Settings a fault may carry; each has a request-header equivalent. */
export interface FaultSettings {
  /** `rate-limit`: the `Retry-After` seconds (default 1; 0 allowed). Header `x-sandbox-retry-after`. */
  retryAfter?: number;
  /** `slow-headers`: how long headers are held back, in ms (default 30 000). Header `x-sandbox-delay-ms`. */
  delayMs?: number;
  /** `oversized`: size of the padded image in bytes. Header `x-sandbox-oversized-bytes`. */
  oversizedBytes?: number;
}

/** One fault to inject, resolved for one request. */
export interface FaultSpec extends FaultSettings {
  fault: FaultName;
}

/** A step of a scripted plan: inject `fault` into the next `times` matching requests. */
export interface FaultStep extends FaultSpec {
  /** How many requests this step covers (default 1). */
  times?: number;
  /** Only requests to this stand-in; any when absent. */
  provider?: ProviderName;
}

/** A seeded random mix: each request draws one fault with the given probabilities (deterministic per seed). */
export interface FaultMix {
  mix: Partial<Record<FaultName, number>>;
  seed?: number;
  provider?: ProviderName;
  /** Settings applied to every fault the mix draws. */
  settings?: FaultSettings;
}

/** A scripted plan: ordered steps, a random mix, or both (steps are consumed first). */
export type FaultPlan = FaultStep[] | (Partial<FaultMix> & { steps?: FaultStep[] });

function fail(message: string): never {
  throw new TypeError(`Invalid fault plan: ${message}`);
}

function checkSettings(where: string, value: Record<string, unknown>): FaultSettings {
  const settings: FaultSettings = {};
  for (const key of ['retryAfter', 'delayMs', 'oversizedBytes'] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${where}.${key} must be a number >= 0`);
    settings[key] = v;
  }
  return settings;
}

function checkProvider(where: string, value: unknown): ProviderName | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isProviderName(value)) fail(`${where}.provider must be a provider name`);
  return value;
}

function checkStep(value: unknown, index: number): FaultStep {
  const where = `steps[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} must be an object`);
  const step = value as Record<string, unknown>;
  if (typeof step.fault !== 'string' || !isFaultName(step.fault)) {
    fail(`${where}.fault must be one of ${FAULT_NAMES.join(', ')}`);
  }
  const times = step.times ?? 1;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 1)
    fail(`${where}.times must be an integer >= 1`);
  const provider = checkProvider(where, step.provider);
  return { fault: step.fault, times, ...(provider ? { provider } : {}), ...checkSettings(where, step) };
}

/** Checks a plan (for example one read from `--faults plan.json`) and returns it typed, or throws a TypeError. */
export function parseFaultPlan(value: unknown): FaultPlan {
  if (Array.isArray(value)) return value.map(checkStep);
  if (typeof value !== 'object' || value === null) fail('expected an array of steps or an object with steps/mix');
  const plan = value as Record<string, unknown>;
  const result: Partial<FaultMix> & { steps?: FaultStep[] } = {};
  if (plan.steps !== undefined) {
    if (!Array.isArray(plan.steps)) fail('steps must be an array');
    result.steps = plan.steps.map(checkStep);
  }
  if (plan.mix !== undefined) {
    if (typeof plan.mix !== 'object' || plan.mix === null || Array.isArray(plan.mix)) fail('mix must be an object');
    const mix: Partial<Record<FaultName, number>> = {};
    let total = 0;
    for (const [name, p] of Object.entries(plan.mix)) {
      if (!isFaultName(name)) fail(`mix.${name} is not a fault name`);
      if (typeof p !== 'number' || !(p >= 0)) fail(`mix.${name} must be a probability >= 0`);
      mix[name] = p;
      total += p;
    }
    if (total > 1 + 1e-9) fail('mix probabilities add up to more than 1');
    result.mix = mix;
    if (plan.seed !== undefined) {
      if (typeof plan.seed !== 'number' || !Number.isInteger(plan.seed)) fail('seed must be an integer');
      result.seed = plan.seed;
    }
    const provider = checkProvider('mix', plan.provider);
    if (provider) result.provider = provider;
    if (plan.settings !== undefined) {
      if (typeof plan.settings !== 'object' || plan.settings === null) fail('settings must be an object');
      result.settings = checkSettings('settings', plan.settings as Record<string, unknown>);
    }
  }
  return result;
}

/** Hands out the faults of a plan, request by request. */
export class FaultScheduler {
  readonly #steps: Array<FaultStep & { left: number }>;
  readonly #mix: FaultMix | undefined;
  readonly #random: () => number;

  constructor(plan: FaultPlan | undefined) {
    const parsed = plan === undefined ? [] : parseFaultPlan(plan);
    const steps = Array.isArray(parsed) ? parsed : (parsed.steps ?? []);
    this.#steps = steps.map((step) => ({ ...step, left: step.times ?? 1 }));
    this.#mix = !Array.isArray(parsed) && parsed.mix ? (parsed as FaultMix) : undefined;
    this.#random = mulberry32(this.#mix?.seed ?? 0x5eed);
  }

  /** Steps not yet consumed, summed over their remaining times. */
  get pendingSteps(): number {
    return this.#steps.reduce((sum, step) => sum + step.left, 0);
  }

  /** The fault for the next request to `provider`, if the plan has one; consumes it. */
  next(provider: ProviderName): FaultSpec | undefined {
    const step = this.#steps.find((s) => s.left > 0 && (s.provider === undefined || s.provider === provider));
    if (step) {
      step.left -= 1;
      const { fault, retryAfter, delayMs, oversizedBytes } = step;
      return dropUndefined({ fault, retryAfter, delayMs, oversizedBytes });
    }
    const mix = this.#mix;
    if (!mix || (mix.provider !== undefined && mix.provider !== provider)) return undefined;
    // One draw per request keeps the sequence deterministic for a given seed and request order.
    let draw = this.#random();
    for (const name of FAULT_NAMES) {
      const p = mix.mix[name] ?? 0;
      if (draw < p) return { fault: name, ...(mix.settings ?? {}) };
      draw -= p;
    }
    return undefined;
  }
}

function dropUndefined(spec: FaultSpec): FaultSpec {
  const out: FaultSpec = { fault: spec.fault };
  if (spec.retryAfter !== undefined) out.retryAfter = spec.retryAfter;
  if (spec.delayMs !== undefined) out.delayMs = spec.delayMs;
  if (spec.oversizedBytes !== undefined) out.oversizedBytes = spec.oversizedBytes;
  return out;
}
