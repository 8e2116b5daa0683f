import type { CallBodyInput } from './call-body-input.js';
import { ValidationError, type FieldIssue } from '../errors/index.js';
import type { NormalizedRequest } from './image-request.js';
import {
  capabilitiesFor,
  OPTIONAL_SETTINGS,
  type ModelCapabilities,
  type OptionalSetting,
} from './model-capabilities.js';
import { toOpenAIBody } from './openai-dialect.js';
import type { Dialect, ProviderPreset } from './providers.js';
import { toTogetherBody } from './together-dialect.js';
import type { PictorWarning } from './warnings.js';

/** One HTTP call of a generation: which images it produces and the exact body sent. */
export interface CallPlan {
  /** Index (in the whole result) of the first image this call produces. */
  firstIndex: number;
  n: number;
  seed: number | undefined;
  body: Record<string, unknown>;
}

export interface GenerationPlan {
  model: string;
  dialect: Dialect;
  capabilities: ModelCapabilities;
  warnings: PictorWarning[];
  calls: CallPlan[];
}

function isGiven(request: NormalizedRequest, setting: OptionalSetting): boolean {
  if (setting === 'size') return request.width !== undefined || request.autoSize === true;
  return request[setting] !== undefined;
}

/**
 * Decides what goes on the wire: the model, which settings are sent (the rest become warnings), value rules
 * (sizes, qualities, formats) checked before any network call, and the split of `n` into calls of at most the
 * model's per-call maximum, each with its own seed offset so every image's seed is known.
 */
export function planGeneration(
  provider: Pick<ProviderPreset, 'dialect' | 'envelope' | 'label' | 'defaultModel'>,
  request: NormalizedRequest,
): GenerationPlan {
  const model = request.model ?? provider.defaultModel;
  if (!model) throw new ValidationError([{ field: 'model', message: `is required for ${provider.label}` }]);
  const caps = capabilitiesFor(provider, model);
  const warnings: PictorWarning[] = [];
  const issues: FieldIssue[] = [];
  const send = new Set<OptionalSetting>();

  for (const setting of OPTIONAL_SETTINGS) {
    const given = isGiven(request, setting) || (setting === 'responseFormat' && caps.accepts.has('responseFormat'));
    if (!given) continue;
    if (setting === 'size' && request.autoSize && !caps.autoSize) {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'size',
        details: `${model} does not take size "auto"; the provider's default size is used`,
      });
      continue;
    }
    if (!caps.accepts.has(setting)) {
      // Asking for base64 from a model that only returns base64 needs no warning.
      if (setting === 'responseFormat' && request.responseFormat === caps.defaultResponse) continue;
      warnings.push({
        type: 'unsupported-setting',
        setting,
        details: `${provider.label} (${model}) does not accept ${setting}; it was not sent`,
      });
      continue;
    }
    send.add(setting);
  }

  for (const key of ['outputFormat', 'quality'] as const) {
    const allowed = caps.values?.[key];
    const value = request[key];
    if (send.has(key) && allowed && value !== undefined && !allowed.includes(value)) {
      issues.push({ field: key, message: `${model} accepts ${allowed.join(', ')}; got "${value}"` });
    }
  }
  if (
    send.has('size') &&
    !request.autoSize &&
    caps.checkSize &&
    request.width !== undefined &&
    request.height !== undefined
  ) {
    const why = caps.checkSize(request.width, request.height);
    if (why) issues.push({ field: 'size', message: `${request.width}x${request.height} for ${model}: ${why}` });
  }
  if (issues.length) throw new ValidationError(issues);

  const build = provider.dialect === 'together' ? toTogetherBody : toOpenAIBody;
  const calls: CallPlan[] = [];
  for (let first = 0; first < request.n; first += caps.maxImagesPerCall) {
    const n = Math.min(caps.maxImagesPerCall, request.n - first);
    const seed = send.has('seed') && request.seed !== undefined ? (request.seed + first) % 4_294_967_296 : undefined;
    const input: CallBodyInput = { request, model, n, seed, send };
    const body = { ...build(input), ...request.providerOptions };
    calls.push({ firstIndex: first, n, seed, body });
  }
  return { model, dialect: provider.dialect, capabilities: caps, warnings, calls };
}
