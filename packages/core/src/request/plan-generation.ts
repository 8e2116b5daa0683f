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
import type { InputImage } from './edit-request.js';
import { planEditInputs, type EditInputs, type UploadedFile } from './plan-edit-inputs.js';

/** One HTTP call of a generation: which images it produces and the exact body sent. */
export interface CallPlan {
  /** Index (in the whole result) of the first image this call produces. */
  firstIndex: number;
  n: number;
  seed: number | undefined;
  /** `/images/generations`, or OpenAI's `/images/edits`. */
  path: '/images/generations' | '/images/edits';
  /** The body's fields: sent as JSON, or as the text parts of a multipart form when `files` is set. */
  body: Record<string, unknown>;
  /** Files of a multipart body (OpenAI edits of uploaded bytes), after the fields. */
  files?: UploadedFile[] | undefined;
  /** Whether the call asks for server-sent events. */
  stream: boolean;
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
  if (setting === 'stream') return request.stream === true;
  return request[setting] !== undefined;
}

/**
 * Decides what goes on the wire: the model, which settings are sent (the rest become warnings), value rules
 * (sizes, qualities, formats) checked before any network call, and the split of `n` into calls of at most the
 * model's per-call maximum, each with its own seed offset so every image's seed is known.
 */
export function planGeneration(
  provider: Pick<ProviderPreset, 'dialect' | 'envelope' | 'label' | 'defaultModel' | 'defaultEditModel'>,
  request: NormalizedRequest,
  inputs?: { images: InputImage[]; mask: InputImage | undefined },
): GenerationPlan {
  const model = request.model ?? (inputs ? provider.defaultEditModel : provider.defaultModel);
  if (!model) throw new ValidationError([{ field: 'model', message: `is required for ${provider.label}` }]);
  const caps = capabilitiesFor(provider, model);
  const warnings: PictorWarning[] = [];
  const issues: FieldIssue[] = [];
  const send = new Set<OptionalSetting>();
  const edit: EditInputs | undefined = inputs && planEditInputs(provider, model, caps, inputs, warnings);
  const accepts = edit?.accepts ?? caps.accepts;

  for (const setting of OPTIONAL_SETTINGS) {
    const given = isGiven(request, setting) || (setting === 'responseFormat' && accepts.has('responseFormat'));
    if (!given) continue;
    if (setting === 'size' && request.autoSize && !caps.autoSize) {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'size',
        details: `${model} does not take size "auto"; the provider's default size is used`,
      });
      continue;
    }
    if (!accepts.has(setting)) {
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
  if (edit?.jsonSizes && send.has('size') && !request.autoSize && request.width !== undefined) {
    const size = `${request.width}x${request.height}`;
    if (!edit.jsonSizes.includes(size)) {
      issues.push({
        field: 'size',
        message: `${size}: an edit of images given by URL (OpenAI's JSON body) takes ${edit.jsonSizes.join(', ')} or auto`,
      });
    }
  }
  if (issues.length) throw new ValidationError(issues);

  const build = provider.dialect === 'together' ? toTogetherBody : toOpenAIBody;
  const stream = send.has('stream');
  // A stream carries one image's events at a time: each streamed image is its own call.
  const perCall = stream ? 1 : caps.maxImagesPerCall;
  const calls: CallPlan[] = [];
  for (let first = 0; first < request.n; first += perCall) {
    const n = Math.min(perCall, request.n - first);
    const seed = send.has('seed') && request.seed !== undefined ? (request.seed + first) % 4_294_967_296 : undefined;
    const input: CallBodyInput = { request, model, n, seed, send, sendsN: caps.sendsN !== false, edit };
    const body = { ...build(input), ...request.providerOptions };
    calls.push({
      firstIndex: first,
      n,
      seed,
      path: edit?.path ?? '/images/generations',
      body,
      files: edit?.files,
      stream,
    });
  }
  return { model, dialect: provider.dialect, capabilities: caps, warnings, calls };
}
