import { randomInt } from 'node:crypto';
import { findModel, modelCatalogue, type ImageModel } from './model-catalogue.js';
import {
  aboveMaximum,
  belowMinimum,
  invalidRequest,
  invalidValue,
  unknownModel,
  unknownParameter,
  type ApiError,
} from './provider-envelopes.js';
import type { ProviderName } from './providers.js';
import type { ImageFormat } from './render-image.js';
import type { RequestIssue, SpecValidator } from './spec-validator.js';
import { jsonType } from './spec-validator.js';

/** A request the sandbox accepted, with every default resolved. */
export interface GenerationJob {
  provider: ProviderName;
  /** `generations`, or `edits` (the edit's inputs travel beside the job, see `EditJob`). */
  endpoint: 'generations' | 'edits';
  model: ImageModel;
  prompt: string;
  n: number;
  width: number;
  height: number;
  seed: number;
  format: ImageFormat;
  /** JPEG/WebP quality, from `output_compression`. */
  compression?: number;
  transparent: boolean;
  responseFormat: 'b64_json' | 'url';
  /** Quality as responses report it (`low|medium|high` for GPT image models, else as sent or `standard`). */
  quality: string;
  /** Server-sent events (OpenAI GPT image models with `stream: true`). */
  stream: boolean;
  partialImages: number;
  /** Input images of an edit (0 for a generation): they count as input tokens in `usage`. */
  inputImages: number;
}

/** Parameters only the GPT image models take; their presence makes OpenAI's default model `gpt-image-1`. */
const GPT_IMAGE_PARAMS = [
  'output_format',
  'output_compression',
  'background',
  'moderation',
  'stream',
  'partial_images',
  'input_fidelity',
];

/** The model OpenAI's spec names as each endpoint's default (generations: unless a GPT-image-only parameter is sent). */
const DEFAULT_MODELS = { generations: 'dall-e-2', edits: 'gpt-image-1.5' } as const;

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a decimal',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeWord(type: string): string {
  return TYPE_WORDS[type] ?? type;
}

/** Turns the spec's verdict into the provider's 400. */
export function issueToError(provider: ProviderName, issue: RequestIssue): ApiError {
  const param = issue.param;
  const name = param ?? 'body';
  let error: ApiError;
  switch (issue.keyword) {
    case 'required':
      error = invalidRequest(`Missing required parameter: '${name}'.`, param, 'missing_required_parameter');
      if (provider === 'ai-stats' && param === 'model') error.gatewayCode = 'model_required';
      return error;
    case 'type': {
      const expected = (issue.expectedTypes ?? []).map(typeWord).join(' or ') || 'another type';
      return invalidRequest(
        `Invalid type for '${name}': expected ${expected}, but got ${typeWord(jsonType(issue.value))} instead.`,
        param,
        'invalid_type',
      );
    }
    case 'enum':
      return invalidValue(name, issue.value, issue.allowed ?? []);
    case 'minimum':
      return belowMinimum(name, issue.limit ?? 0, issue.value);
    case 'maximum':
      return aboveMaximum(name, issue.limit ?? 0, issue.value);
    default:
      return invalidRequest(`Invalid '${name}': ${issue.detail}.`, param, 'invalid_value');
  }
}

function present(body: Record<string, unknown>, key: string): boolean {
  return body[key] !== undefined && body[key] !== null;
}

function parseSize(size: string): { width: number; height: number } | undefined {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(size);
  if (!match) return undefined;
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** Checks a `WxH` size against the model's rule; returns the pixels or an error. */
function resolveSize(model: ImageModel, size: string): { width: number; height: number } | ApiError {
  const rule = model.sizeRule;
  const chosen = size === 'auto' ? model.defaultSize : size;
  if (rule.kind === 'list') {
    if (!rule.sizes.includes(chosen)) {
      return invalidValue('size', size, model.gptImageParams ? [...rule.sizes, 'auto'] : rule.sizes);
    }
    return parseSize(chosen)!;
  }
  const parsed = parseSize(chosen);
  if (!parsed)
    return invalidRequest(
      `Invalid 'size': expected 'auto' or WIDTHxHEIGHT, but got '${size}'.`,
      'size',
      'invalid_value',
    );
  const { width, height } = parsed;
  if (rule.kind === 'dimensions') {
    if (width < rule.min || height < rule.min || width > rule.max || height > rule.max) {
      return invalidRequest(
        `Invalid 'size': width and height must be between ${rule.min} and ${rule.max} pixels, but got '${size}'.`,
        'size',
        'invalid_value',
      );
    }
    return parsed;
  }
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const problems: string[] = [];
  if (width % rule.multipleOf !== 0 || height % rule.multipleOf !== 0)
    problems.push(`width and height must be multiples of ${rule.multipleOf}`);
  if (long / short > rule.maxRatio)
    problems.push(`the aspect ratio must be between 1:${rule.maxRatio} and ${rule.maxRatio}:1`);
  if (long > rule.maxLongEdge || short > rule.maxShortEdge)
    problems.push(`the maximum supported resolution is ${rule.maxLongEdge}x${rule.maxShortEdge}`);
  if (short < rule.minEdge) problems.push(`each side must be at least ${rule.minEdge} pixels`);
  if (problems.length > 0)
    return invalidRequest(`Invalid 'size' '${size}': ${problems.join('; ')}.`, 'size', 'invalid_value');
  return parsed;
}

function checkCount(model: ImageModel, n: number, minimum = 1): ApiError | undefined {
  if (n < minimum) return belowMinimum('n', minimum, n);
  if (n > model.maxImagesPerCall) return aboveMaximum('n', model.maxImagesPerCall, n);
  return undefined;
}

function randomSeed(): number {
  return randomInt(0, 2 ** 31 - 1);
}

function seedOf(body: Record<string, unknown>): number {
  return typeof body.seed === 'number' && Number.isInteger(body.seed) ? body.seed : randomSeed();
}

function checkPrompt(model: ImageModel, prompt: string): ApiError | undefined {
  if (prompt.trim().length === 0) return invalidRequest("Invalid 'prompt': empty string.", 'prompt', 'empty_string');
  if (prompt.length > model.maxPromptLength) {
    return invalidRequest(
      `Invalid 'prompt': string too long. Expected a string with maximum length ${model.maxPromptLength}, but got a string with length ${prompt.length} instead.`,
      'prompt',
      'string_above_max_length',
    );
  }
  return undefined;
}

function togetherJob(body: Record<string, unknown>): GenerationJob | ApiError {
  const modelId = body.model as string;
  const model = findModel('together', modelId);
  if (!model)
    return unknownModel(
      'together',
      modelId,
      modelCatalogue('together').map((m) => m.id),
    );
  const prompt = body.prompt as string;
  const promptError = checkPrompt(model, prompt);
  if (promptError) return promptError;
  // Together's own words to a Google model given a seed (vercel/ai commit 2458cea); see `google()` in the catalogue.
  const refused = model.unsupportedParams?.find((key) => present(body, key));
  if (refused) return invalidRequest(`Unsupported use of '${refused}' parameter`, refused, 'unsupported_parameter');
  // The seed 004 reference gives the practical limits the spec leaves open: n 1–4, steps 1–50.
  const n = (body.n as number | undefined) ?? 1;
  const countError = checkCount(model, n);
  if (countError) return countError;
  const steps = body.steps as number | undefined;
  if (steps !== undefined && model.steps) {
    if (steps < model.steps.min) return belowMinimum('steps', model.steps.min, steps);
    if (steps > model.steps.max) return aboveMaximum('steps', model.steps.max, steps);
  }
  const width = (body.width as number | undefined) ?? 1024;
  const height = (body.height as number | undefined) ?? 1024;
  const rule = model.sizeRule;
  if (rule.kind === 'dimensions') {
    for (const [param, value] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (value < rule.min) return belowMinimum(param, rule.min, value);
      if (value > rule.max) return aboveMaximum(param, rule.max, value);
    }
  }
  return {
    provider: 'together',
    endpoint: 'generations',
    model,
    prompt,
    n,
    width,
    height,
    seed: seedOf(body),
    format: (body.output_format as ImageFormat | undefined) ?? model.defaultOutputFormat,
    transparent: false,
    responseFormat: body.response_format === 'base64' ? 'b64_json' : 'url',
    quality: 'standard',
    stream: false,
    partialImages: 0,
    inputImages: 0,
  };
}

/** Checks an OpenAI-shaped body (generation or edit) against the model's limits and resolves its defaults. */
export function openAiShapedJob(
  provider: ProviderName,
  body: Record<string, unknown>,
  endpoint: GenerationJob['endpoint'] = 'generations',
): GenerationJob | ApiError {
  const usesGptParams = GPT_IMAGE_PARAMS.some((key) => present(body, key));
  const fallback = endpoint === 'generations' && usesGptParams ? 'gpt-image-1' : DEFAULT_MODELS[endpoint];
  const modelId = (body.model as string | null | undefined) ?? fallback;
  const catalogue = modelCatalogue(provider).filter((m) => m.endpoints.includes(endpoint));
  const model = catalogue.find((m) => m.id === modelId);
  if (!model) {
    if (findModel(provider, modelId))
      return invalidValue(
        'model',
        modelId,
        catalogue.map((m) => m.id),
      );
    return unknownModel(
      provider,
      modelId,
      catalogue.map((m) => m.id),
    );
  }
  const prompt = body.prompt as string;
  const promptError = checkPrompt(model, prompt);
  if (promptError) return promptError;

  if (!model.gptImageParams) {
    const stray = GPT_IMAGE_PARAMS.find((key) => present(body, key) && !(key === 'stream' && body.stream === false));
    if (stray) return unknownParameter(stray);
  }
  if (present(body, 'input_fidelity') && !model.inputFidelity) {
    return invalidRequest(
      `The 'input_fidelity' parameter is not supported for model '${model.id}'.`,
      'input_fidelity',
      'unsupported_parameter',
    );
  }
  if (present(body, 'response_format') && !model.acceptsResponseFormat) return unknownParameter('response_format');
  const responseFormat = (body.response_format as string | null | undefined) ?? model.defaultResponseFormat;
  if (responseFormat !== 'url' && responseFormat !== 'b64_json')
    return invalidValue('response_format', responseFormat, ['url', 'b64_json']);

  const n = (body.n as number | null | undefined) ?? 1;
  const countError = checkCount(model, n);
  if (countError) return countError;

  const size = resolveSize(model, (body.size as string | null | undefined) ?? 'auto');
  if ('status' in size) return size;

  const quality = (body.quality as string | null | undefined) ?? 'auto';
  if (model.qualities && !model.qualities.includes(quality)) return invalidValue('quality', quality, model.qualities);

  const format = (body.output_format as ImageFormat | null | undefined) ?? model.defaultOutputFormat;
  const background = (body.background as string | null | undefined) ?? 'auto';
  const transparent = background === 'transparent';
  if (transparent && format === 'jpeg') {
    return invalidRequest(
      "Transparent background is not supported for output_format 'jpeg'; use 'png' or 'webp'.",
      'background',
      'invalid_value',
    );
  }
  const compression = body.output_compression as number | null | undefined;
  if (typeof compression === 'number') {
    if (compression < 0) return belowMinimum('output_compression', 0, compression);
    if (compression > 100) return aboveMaximum('output_compression', 100, compression);
  }
  const stream = body.stream === true;
  if (stream && provider !== 'openai') {
    return invalidRequest(
      `Streaming is not offered by the sandbox's ${provider} stand-in; omit 'stream'.`,
      'stream',
      'unsupported_parameter',
    );
  }
  const partialImages = (body.partial_images as number | null | undefined) ?? 0;
  if (partialImages < 0) return belowMinimum('partial_images', 0, partialImages);
  if (partialImages > 3) return aboveMaximum('partial_images', 3, partialImages);

  return {
    provider,
    endpoint,
    model,
    prompt,
    n,
    width: size.width,
    height: size.height,
    seed: seedOf(body),
    format,
    ...(typeof compression === 'number' && format !== 'png' ? { compression } : {}),
    transparent,
    responseFormat: responseFormat === 'url' ? 'url' : 'b64_json',
    quality:
      model.family === 'gpt-image'
        ? quality === 'auto'
          ? 'high'
          : quality
        : quality === 'auto'
          ? 'standard'
          : quality,
    stream,
    partialImages,
    inputImages: 0,
  };
}

/**
 * Checks a request body first against the provider's official spec, then against the model's limits, and
 * resolves every default. Returns the job, or the error the provider would answer with.
 */
export function buildGenerationJob(
  provider: ProviderName,
  body: unknown,
  validator: SpecValidator,
): GenerationJob | ApiError {
  const issue = validator.validateRequest(provider, body);
  if (issue) return issueToError(provider, issue);
  const record = body as Record<string, unknown>;
  if (provider === 'together') return togetherJob(record);
  if (provider === 'ai-stats') {
    // The gateway forwards only the fields of its own request schema (its sanitizePayload); drop the rest.
    const known = Object.keys(validator.requestProperties(provider));
    return openAiShapedJob(
      provider,
      Object.fromEntries(Object.entries(record).filter(([key]) => known.includes(key) || key === 'seed')),
    );
  }
  return openAiShapedJob(provider, record);
}
