import type { ImageFormat } from './render-image.js';
import type { ProviderName } from './providers.js';

/** How a model constrains the picture size. */
export type SizeRule =
  /** One of a fixed list of `WxH` sizes. */
  | { kind: 'list'; sizes: string[] }
  /** Any `WxH` with both sides multiples of `multipleOf`, within edge, pixel and aspect-ratio limits (gpt-image-2). */
  | { kind: 'free'; multipleOf: number; maxLongEdge: number; maxShortEdge: number; maxRatio: number; minEdge: number }
  /** Any width and height within `[min, max]` pixels (Together's `width`/`height`, AI Stats' FLUX). */
  | { kind: 'dimensions'; min: number; max: number };

/** An image model of one stand-in, with the limits the sandbox enforces. */
export interface ImageModel {
  id: string;
  displayName: string;
  ownedBy: string;
  /** Unix seconds, as model lists report. */
  created: number;
  family: 'flux' | 'google' | 'seedream' | 'qwen' | 'dall-e-2' | 'dall-e-3' | 'gpt-image' | 'gpt-4o-mini';
  maxImagesPerCall: number;
  sizeRule: SizeRule;
  defaultSize: string;
  /** Whether `response_format` may be sent (the GPT image models reject it, as OpenAI does). */
  acceptsResponseFormat: boolean;
  defaultResponseFormat: 'url' | 'b64_json';
  outputFormats: ImageFormat[];
  defaultOutputFormat: ImageFormat;
  /** Accepted `quality` values; absent: the parameter is not checked (Together has none). */
  qualities?: string[];
  /** Accepts the GPT-image-only parameters (`output_format`, `background`, `output_compression`, `moderation`, `stream`). */
  gptImageParams: boolean;
  /** Returns `revised_prompt` (dall-e-3). */
  revisesPrompt: boolean;
  /** Returns token `usage` (the GPT image models). */
  reportsUsage: boolean;
  /** Maximum prompt length in characters. */
  maxPromptLength: number;
  /** Diffusion steps (Together). */
  steps?: { min: number; max: number; default: number };
  /** For AI Stats: the upstream provider that serves the model. */
  upstream?: string;
  /** The endpoints that take the model: OpenAI's spec lists who may edit, and `chatgpt-image-latest` only edits. */
  endpoints: Array<'generations' | 'edits'>;
  /** Input images an edit takes (OpenAI: 16 for the GPT image models, one square PNG for dall-e-2). */
  maxInputImages: number;
  /** Accepts `input_fidelity` ("gpt-image-1 and gpt-image-1.5 and later models, unsupported for gpt-image-1-mini"). */
  inputFidelity: boolean;
  /**
   * Together: the `/images/generations` fields that carry input images to edit or to guide the picture (`image_url`:
   * one image; `reference_images`: up to `maxInputImages`). Empty: the model only generates.
   */
  editInputs?: TogetherEditInput[];
  /** Together: parameters the model refuses outright ("Unsupported use of 'seed' parameter"). */
  unsupportedParams?: string[];
}

/** The two fields of Together's `/images/generations` that carry input images. */
export type TogetherEditInput = 'image_url' | 'reference_images';

const CREATED = 1_735_689_600; // 2025-01-01, a fixed date keeps responses deterministic

const DALL_E_2: Omit<ImageModel, 'id' | 'displayName' | 'ownedBy'> = {
  created: 1_698_785_189,
  family: 'dall-e-2',
  maxImagesPerCall: 10,
  sizeRule: { kind: 'list', sizes: ['256x256', '512x512', '1024x1024'] },
  defaultSize: '1024x1024',
  acceptsResponseFormat: true,
  defaultResponseFormat: 'url',
  outputFormats: ['png'],
  defaultOutputFormat: 'png',
  qualities: ['standard', 'auto'],
  gptImageParams: false,
  revisesPrompt: false,
  reportsUsage: false,
  maxPromptLength: 1000,
  endpoints: ['generations', 'edits'],
  maxInputImages: 1,
  inputFidelity: false,
};

const DALL_E_3: Omit<ImageModel, 'id' | 'displayName' | 'ownedBy'> = {
  ...DALL_E_2,
  created: 1_698_785_189,
  family: 'dall-e-3',
  maxImagesPerCall: 1,
  sizeRule: { kind: 'list', sizes: ['1024x1024', '1792x1024', '1024x1792'] },
  qualities: ['standard', 'hd', 'auto'],
  revisesPrompt: true,
  maxPromptLength: 4000,
  endpoints: ['generations'],
  maxInputImages: 0,
};

const GPT_IMAGE: Omit<ImageModel, 'id' | 'displayName' | 'ownedBy'> = {
  created: 1_745_366_400,
  family: 'gpt-image',
  maxImagesPerCall: 10,
  sizeRule: { kind: 'list', sizes: ['1024x1024', '1536x1024', '1024x1536'] },
  defaultSize: '1024x1024',
  acceptsResponseFormat: false,
  defaultResponseFormat: 'b64_json',
  outputFormats: ['png', 'jpeg', 'webp'],
  defaultOutputFormat: 'png',
  qualities: ['low', 'medium', 'high', 'auto'],
  gptImageParams: true,
  revisesPrompt: false,
  reportsUsage: true,
  maxPromptLength: 32_000,
  endpoints: ['generations', 'edits'],
  maxInputImages: 16,
  inputFidelity: true,
};

const GPT_IMAGE_2: Omit<ImageModel, 'id' | 'displayName' | 'ownedBy'> = {
  ...GPT_IMAGE,
  created: 1_776_729_600,
  sizeRule: { kind: 'free', multipleOf: 16, maxLongEdge: 3840, maxShortEdge: 2160, maxRatio: 3, minEdge: 16 },
};

function openaiModels(prefix = ''): ImageModel[] {
  const owned = prefix ? 'openai' : 'system';
  const m = (
    id: string,
    base: Omit<ImageModel, 'id' | 'displayName' | 'ownedBy'>,
    displayName: string,
  ): ImageModel => ({
    ...base,
    id: `${prefix}${id}`,
    displayName,
    ownedBy: owned,
    ...(prefix ? { upstream: 'openai' } : {}),
  });
  return [
    m('dall-e-2', DALL_E_2, 'DALL·E 2'),
    m('dall-e-3', DALL_E_3, 'DALL·E 3'),
    m('gpt-image-1', GPT_IMAGE, 'GPT Image 1'),
    m('gpt-image-1-mini', { ...GPT_IMAGE, inputFidelity: false }, 'GPT Image 1 mini'),
    m('gpt-image-1.5', { ...GPT_IMAGE, created: 1_765_843_200 }, 'GPT Image 1.5'),
    m('gpt-image-2', GPT_IMAGE_2, 'GPT Image 2'),
    m('gpt-image-2-2026-04-21', GPT_IMAGE_2, 'GPT Image 2 (2026-04-21)'),
    // The edits endpoint's spec lists it ("follows the same input constraints as GPT image models"); the
    // generations endpoint's does not.
    m('chatgpt-image-latest', { ...GPT_IMAGE, created: 1_765_843_200, endpoints: ['edits'] }, 'ChatGPT Image (latest)'),
  ];
}

/** A Together image model: any `width`×`height` in the sandbox's bounds, JPEG (default) or PNG, URL items by default. */
function together(
  id: string,
  displayName: string,
  family: ImageModel['family'],
  options: {
    steps?: number;
    editInputs?: TogetherEditInput[];
    maxInputImages?: number;
    maxImagesPerCall?: number;
    unsupportedParams?: string[];
  } = {},
): ImageModel {
  return {
    id,
    displayName,
    ownedBy: id.split('/')[0]!,
    created: CREATED,
    family,
    maxImagesPerCall: options.maxImagesPerCall ?? 4,
    sizeRule: { kind: 'dimensions', min: 64, max: 4096 },
    defaultSize: '1024x1024',
    acceptsResponseFormat: true,
    defaultResponseFormat: 'url',
    outputFormats: ['jpeg', 'png'],
    defaultOutputFormat: 'jpeg',
    gptImageParams: false,
    revisesPrompt: false,
    reportsUsage: false,
    maxPromptLength: 32_000,
    ...(options.steps !== undefined ? { steps: { min: 1, max: 50, default: options.steps } } : {}),
    // Together edits through `/images/generations` itself: it has no `/images/edits`.
    endpoints: ['generations'],
    maxInputImages: options.maxInputImages ?? 0,
    inputFidelity: false,
    editInputs: options.editInputs ?? [],
    ...(options.unsupportedParams ? { unsupportedParams: options.unsupportedParams } : {}),
  };
}

function flux(id: string, displayName: string, defaultSteps: number): ImageModel {
  return together(id, displayName, 'flux', { steps: defaultSteps });
}

/**
 * Google's models on Together. vercel/ai PR #11939: "Models like `google/gemini-3-pro-image` don't support the `n`
 * parameter" (its tester: "tested with imagen, both nano banana models"), so one image per call; vercel/ai commit
 * 2458cea: Together answers "Unsupported use of 'seed' parameter" to them.
 */
function google(id: string, displayName: string, editInputs: TogetherEditInput[], maxInputImages: number): ImageModel {
  return together(id, displayName, 'google', {
    editInputs,
    maxInputImages,
    maxImagesPerCall: 1,
    unsupportedParams: ['seed'],
  });
}

/**
 * Together's edit inputs per model come from docs.together.ai `/docs/inference/images/reference-images`:
 * "`image_url` — FLUX.1 Kontext (pro/max), FLUX.2 (pro/flex)"; "`reference_images` — FLUX.2 (pro/dev/flex), Gemini 3
 * Pro Image, Flash Image 2.5"; "FLUX.2 [dev], Gemini 3 Pro Image, and Flash Image 2.5 only support
 * `reference_images`". Models that page does not name take no input images.
 */
const TOGETHER_MODELS: ImageModel[] = [
  flux('black-forest-labs/FLUX.1-schnell', 'FLUX.1 [schnell]', 4),
  flux('black-forest-labs/FLUX.1-schnell-Free', 'FLUX.1 [schnell] Free', 4),
  flux('black-forest-labs/FLUX.1.1-pro', 'FLUX1.1 [pro]', 28),
  flux('black-forest-labs/FLUX.1-pro', 'FLUX.1 [pro]', 28),
  flux('black-forest-labs/FLUX.1-dev', 'FLUX.1 [dev]', 28),
  // Kontext edits one image, given as `image_url` (the reference-images page).
  together('black-forest-labs/FLUX.1-kontext-pro', 'FLUX.1 Kontext [pro]', 'flux', {
    steps: 28,
    editInputs: ['image_url'],
    maxInputImages: 1,
  }),
  together('black-forest-labs/FLUX.1-kontext-max', 'FLUX.1 Kontext [max]', 'flux', {
    steps: 28,
    editInputs: ['image_url'],
    maxInputImages: 1,
  }),
  // FLUX.2 [pro] and [flex] take both fields. Together gives no count; 8 is BFL's own API limit (docs.bfl.ai).
  together('black-forest-labs/FLUX.2-pro', 'FLUX.2 [pro]', 'flux', {
    steps: 28,
    editInputs: ['image_url', 'reference_images'],
    maxInputImages: 8,
  }),
  together('black-forest-labs/FLUX.2-flex', 'FLUX.2 [flex]', 'flux', {
    steps: 28,
    editInputs: ['image_url', 'reference_images'],
    maxInputImages: 8,
  }),
  // FLUX.2 [dev]: `reference_images` only; 6 is BFL's "recommended max" (Together gives no count).
  together('black-forest-labs/FLUX.2-dev', 'FLUX.2 [dev]', 'flux', {
    steps: 28,
    editInputs: ['reference_images'],
    maxInputImages: 6,
  }),
  // FLUX.2 [max]: default steps 50 (the serverless-models page); the reference-images page names no edit input for it.
  together('black-forest-labs/FLUX.2-max', 'FLUX.2 [max]', 'flux', { steps: 50 }),
  // `reference_images` only. Together documents no number of references for either: 8 is the sandbox's own cap.
  google('google/gemini-3-pro-image', 'Gemini 3 Pro Image', ['reference_images'], 8),
  google('google/flash-image-2.5', 'Gemini Flash Image 2.5', ['reference_images'], 8),
  // Text to image only (the docs' feature matrix: Google Imagen, `image_url` "No").
  google('google/imagen-4.0-preview', 'Imagen 4.0 Preview', [], 0),
  // Together documents no edit input for Seedream or Qwen-Image.
  together('ByteDance-Seed/Seedream-4.0', 'Seedream 4.0', 'seedream'),
  together('Qwen/Qwen-Image', 'Qwen-Image', 'qwen'),
];

const CATALOGUES: Record<ProviderName, ImageModel[]> = {
  together: TOGETHER_MODELS,
  openai: openaiModels(),
  r9s: [
    ...openaiModels(),
    {
      ...DALL_E_3,
      id: 'gpt-4o-mini',
      displayName: 'GPT-4o mini (image)',
      ownedBy: 'openai',
      family: 'gpt-4o-mini',
      maxImagesPerCall: 10,
      sizeRule: {
        kind: 'list',
        sizes: ['256x256', '512x512', '1024x1024', '1536x1024', '1024x1536', '1792x1024', '1024x1792'],
      },
      qualities: ['standard', 'hd', 'low', 'medium', 'high', 'auto'],
    },
  ],
  'ai-stats': [
    ...openaiModels('openai/').filter((m) => !m.id.endsWith('-2026-04-21')),
    {
      ...flux('black-forest-labs/flux-1-schnell', 'FLUX.1 [schnell]', 4),
      sizeRule: { kind: 'dimensions', min: 64, max: 2048 },
      upstream: 'together',
      // The gateway's OpenAI-shaped request has no Together edit fields.
      editInputs: undefined,
    },
  ],
};

/** The image models of one stand-in. */
export function modelCatalogue(provider: ProviderName): readonly ImageModel[] {
  return CATALOGUES[provider];
}

export function findModel(provider: ProviderName, id: string): ImageModel | undefined {
  return CATALOGUES[provider].find((m) => m.id === id);
}

/** The limits a model list reports under its `pictor` field. */
export function modelLimits(model: ImageModel): Record<string, unknown> {
  const rule = model.sizeRule;
  return {
    maxImagesPerCall: model.maxImagesPerCall,
    sizes: rule.kind === 'list' ? [...rule.sizes, ...(model.gptImageParams ? ['auto'] : [])] : null,
    sizeRule: rule,
    defaultSize: model.defaultSize,
    acceptsResponseFormat: model.acceptsResponseFormat,
    defaultResponseFormat: model.defaultResponseFormat,
    outputFormats: model.outputFormats,
    defaultOutputFormat: model.defaultOutputFormat,
    ...(model.qualities ? { qualities: model.qualities } : {}),
    ...(model.steps ? { steps: model.steps } : {}),
    maxPromptLength: model.maxPromptLength,
    revisedPrompt: model.revisesPrompt,
    usage: model.reportsUsage,
    endpoints: model.endpoints,
    ...(model.endpoints.includes('edits')
      ? { maxInputImages: model.maxInputImages, inputFidelity: model.inputFidelity }
      : {}),
    // Together's edits travel on `/images/generations`: which fields carry the inputs, and how many.
    ...(model.editInputs ? { editInputs: model.editInputs, maxInputImages: model.maxInputImages } : {}),
    ...(model.unsupportedParams ? { unsupportedParams: model.unsupportedParams } : {}),
    stream: model.gptImageParams,
  };
}
