import type { ProviderPreset } from './providers.js';

/** Request fields that a target may or may not accept (prompt, model and n always go), in wire order. */
export const OPTIONAL_SETTINGS = [
  'size',
  'seed',
  'steps',
  'guidanceScale',
  'negativePrompt',
  'outputFormat',
  'responseFormat',
  'loras',
  'referenceImages',
  'imageUrl',
  'disableSafetyChecker',
  'quality',
  'style',
  'background',
  'moderation',
  'outputCompression',
  'user',
  'inputFidelity',
  'stream',
  'partialImages',
] as const;

export type OptionalSetting = (typeof OPTIONAL_SETTINGS)[number];

export interface ModelCapabilities {
  /** Model family the rules come from, e.g. `together`, `dall-e-3`, `gpt-image`. */
  family: string;
  /** Images one HTTP call may ask for; more become several calls. */
  maxImagesPerCall: number;
  /** Settings the target accepts; any other is not sent and reported as a warning. */
  accepts: ReadonlySet<OptionalSetting>;
  /** Allowed values of enumerated settings, where the target narrows them. */
  values?: Partial<Record<'outputFormat' | 'quality', readonly string[]>>;
  /** Returns why a size is refused, or undefined when it is fine. */
  checkSize?: (width: number, height: number) => string | undefined;
  /** Whether `size: "auto"` is understood. */
  autoSize: boolean;
  /** What the target returns when `responseFormat` is not sent (or not accepted). */
  defaultResponse: 'base64' | 'url';
  /** Whether `n` is sent at all (Together's Google models refuse it, even as 1). */
  sendsN?: false;
  /** How the model edits, when it does; absent: it cannot. */
  edit?: EditCapabilities;
}

/** What a model takes as input images, and how they travel. */
export interface EditCapabilities {
  /**
   * `openai`: OpenAI's `POST /images/edits` (multipart for bytes, JSON `images` for URLs); `together`: fields of
   * `POST /images/generations` (`image_url` for one image, `reference_images` for several).
   */
  via: 'openai' | 'together';
  /** Input images one call takes. */
  maxImages: number;
  /** Media types the inputs may have (sniffed from their bytes). */
  mediaTypes: readonly string[];
  /** Largest input, in bytes. */
  maxBytes: number;
  /** Inputs must be square (dall-e-2). */
  square?: true;
  /** The mask's rules, when the model takes one (OpenAI: a PNG under 4 MB the size of the first image). */
  mask?: { maxBytes: number };
  /** OpenAI: URL inputs go in the JSON body, which dall-e-2 does not take. */
  bytesOnly?: true;
  /** Together: the fields that carry inputs, in order of preference for a single image. */
  fields?: readonly ('imageUrl' | 'referenceImages')[];
  /** Settings an edit accepts where they differ from the generation's (OpenAI's edits endpoint lists its own). */
  accepts?: ReadonlySet<OptionalSetting>;
}

const MB = 1024 * 1024;
const PNG_JPEG_WEBP = ['image/png', 'image/jpeg', 'image/webp'] as const;

const TOGETHER: ModelCapabilities = {
  family: 'together',
  maxImagesPerCall: 4,
  accepts: new Set<OptionalSetting>([
    'size',
    'seed',
    'steps',
    'guidanceScale',
    'negativePrompt',
    'outputFormat',
    'responseFormat',
    'loras',
    'referenceImages',
    'imageUrl',
    'disableSafetyChecker',
  ]),
  values: { outputFormat: ['jpeg', 'png'] },
  autoSize: false,
  defaultResponse: 'url',
};

/**
 * Inputs on Together travel as URLs (`image_url`, `reference_images`); bytes go inline as `data:` URLs, as the AI SDK
 * sends them to Kontext. Together documents no size limit: BFL's own API takes 20 MB an input, so that is the cap.
 */
function togetherEdit(maxImages: number, fields: EditCapabilities['fields']): EditCapabilities {
  return { via: 'together', maxImages, mediaTypes: PNG_JPEG_WEBP, maxBytes: 20 * MB, fields };
}

/**
 * Together's models by id, from docs.together.ai (serverless models, "Image editing": `image_url` for Kontext and
 * FLUX.2 pro/flex, `reference_images` for FLUX.2 and Google's models) and BFL's reference limits (pro/flex 8,
 * dev "recommended max 6"; Together documents no count). Google's models take no `n` and no `seed` (Together
 * answers "Unsupported use of 'seed' parameter"). Any other id: text to image, up to 4 a call.
 */
function togetherModel(model: string): ModelCapabilities {
  const id = model.toLowerCase();
  if (id.startsWith('black-forest-labs/flux.1-kontext')) {
    return { ...TOGETHER, family: 'flux-kontext', edit: togetherEdit(1, ['imageUrl']) };
  }
  if (id.startsWith('black-forest-labs/flux.2-dev')) {
    return { ...TOGETHER, family: 'flux-2', edit: togetherEdit(6, ['referenceImages']) };
  }
  // FLUX.2 [max] is not among Together's reference-image models (BFL's own API takes 8): text to image here.
  if (id.startsWith('black-forest-labs/flux.2') && !id.startsWith('black-forest-labs/flux.2-max')) {
    return { ...TOGETHER, family: 'flux-2', edit: togetherEdit(8, ['imageUrl', 'referenceImages']) };
  }
  if (id.startsWith('google/')) {
    const accepts = new Set(TOGETHER.accepts);
    accepts.delete('seed');
    const edits = id.includes('gemini') || id.includes('flash-image');
    return {
      ...TOGETHER,
      family: 'google',
      maxImagesPerCall: 1,
      sendsN: false,
      accepts,
      // Together gives no number for Google's references; 8 keeps within what its FLUX.2 models take.
      ...(edits ? { edit: togetherEdit(8, ['referenceImages']) } : {}),
    };
  }
  return TOGETHER;
}

const OPENAI_FIELDS: OptionalSetting[] = [
  'size',
  'outputFormat',
  'responseFormat',
  'quality',
  'style',
  'background',
  'moderation',
  'outputCompression',
  'user',
  'stream',
  'partialImages',
];

function oneOf(sizes: string[]): (w: number, h: number) => string | undefined {
  return (w, h) => (sizes.includes(`${w}x${h}`) ? undefined : `must be one of ${sizes.join(', ')}`);
}

const DALL_E_2: ModelCapabilities = {
  family: 'dall-e-2',
  maxImagesPerCall: 10,
  accepts: new Set<OptionalSetting>(['size', 'responseFormat', 'quality', 'user']),
  values: { quality: ['standard', 'auto'] },
  checkSize: oneOf(['256x256', '512x512', '1024x1024']),
  autoSize: false,
  defaultResponse: 'url',
  // "For dall-e-2, you can only provide one image, and it should be a square png file less than 4MB."
  edit: {
    via: 'openai',
    maxImages: 1,
    mediaTypes: ['image/png'],
    maxBytes: 4 * MB,
    square: true,
    mask: { maxBytes: 4 * MB },
    bytesOnly: true,
  },
};

const DALL_E_3: ModelCapabilities = {
  family: 'dall-e-3',
  maxImagesPerCall: 1,
  accepts: new Set<OptionalSetting>(['size', 'responseFormat', 'quality', 'style', 'user']),
  values: { quality: ['standard', 'hd', 'auto'] },
  checkSize: oneOf(['1024x1024', '1792x1024', '1024x1792']),
  autoSize: false,
  defaultResponse: 'url',
};

const GPT_IMAGE_ACCEPTS = new Set<OptionalSetting>([
  'size',
  'outputFormat',
  'quality',
  'background',
  'moderation',
  'outputCompression',
  'user',
  'stream',
  'partialImages',
]);

/**
 * `CreateImageEditRequest` of `openai-images-and-edits.yaml`: no `style`; `moderation` only in the JSON body
 * (added there by the planner); `input_fidelity` for "gpt-image-1 and gpt-image-1.5 and later models".
 */
const GPT_IMAGE_EDIT_ACCEPTS = new Set<OptionalSetting>([
  'size',
  'outputFormat',
  'quality',
  'background',
  'outputCompression',
  'user',
  'inputFidelity',
  'stream',
  'partialImages',
]);

// "each image should be a png, webp, or jpg file less than 50MB. You can provide up to 16 images." The mask "must
// be a valid PNG file, less than 4MB".
const GPT_IMAGE_EDIT: EditCapabilities = {
  via: 'openai',
  maxImages: 16,
  mediaTypes: PNG_JPEG_WEBP,
  maxBytes: 50 * MB,
  mask: { maxBytes: 4 * MB },
  accepts: GPT_IMAGE_EDIT_ACCEPTS,
};

const GPT_IMAGE: ModelCapabilities = {
  family: 'gpt-image',
  maxImagesPerCall: 10,
  accepts: GPT_IMAGE_ACCEPTS,
  values: { quality: ['low', 'medium', 'high', 'auto'] },
  checkSize: oneOf(['1024x1024', '1536x1024', '1024x1536']),
  autoSize: true,
  defaultResponse: 'base64',
  edit: GPT_IMAGE_EDIT,
};

/** `input_fidelity` is "unsupported for gpt-image-1-mini". */
const GPT_IMAGE_MINI: ModelCapabilities = {
  ...GPT_IMAGE,
  family: 'gpt-image-mini',
  edit: {
    ...GPT_IMAGE_EDIT,
    accepts: new Set([...GPT_IMAGE_EDIT_ACCEPTS].filter((s) => s !== 'inputFidelity')),
  },
};

const GPT_IMAGE_2: ModelCapabilities = {
  ...GPT_IMAGE,
  family: 'gpt-image-2',
  // The spec's text: "arbitrary resolutions … divisible by 16 … between 1:3 and 3:1 … maximum 3840x2160".
  checkSize: (w, h) => {
    if (w % 16 !== 0 || h % 16 !== 0) return 'width and height must both be divisible by 16';
    if (Math.max(w, h) / Math.min(w, h) > 3) return 'the aspect ratio must be between 1:3 and 3:1';
    if (Math.max(w, h) > 3840 || Math.min(w, h) > 2160) return 'the maximum resolution is 3840x2160';
    return undefined;
  },
};

/** Any other model behind an OpenAI-shaped API: everything the OpenAI spec lists, n up to 10, edits as GPT's. */
const OPENAI_COMPATIBLE: ModelCapabilities = {
  family: 'openai-compatible',
  maxImagesPerCall: 10,
  accepts: new Set(OPENAI_FIELDS),
  autoSize: true,
  defaultResponse: 'url',
  edit: { ...GPT_IMAGE_EDIT, accepts: new Set([...GPT_IMAGE_EDIT_ACCEPTS, 'responseFormat']) },
};

/** r9s lists sizes as a closed enum in its spec. */
const R9S_SIZES = ['1024x1024', '1536x1024', '1024x1536', '256x256', '512x512', '1792x1024', '1024x1792'];
/** AI Stats' spec documents only these request fields. */
const AI_STATS_FIELDS = new Set<OptionalSetting>(['size', 'quality', 'responseFormat', 'style', 'user']);

function openAIFamily(model: string): ModelCapabilities {
  const id = model.toLowerCase().split('/').pop() ?? model;
  if (id.startsWith('dall-e-2')) return DALL_E_2;
  if (id.startsWith('dall-e-3')) return DALL_E_3;
  if (id.startsWith('gpt-image-2')) return GPT_IMAGE_2;
  if (id.startsWith('gpt-image-1-mini')) return GPT_IMAGE_MINI;
  // `chatgpt-image-latest` "follows the same input constraints as GPT image models".
  if (id.startsWith('gpt-image') || id.startsWith('chatgpt-image')) return GPT_IMAGE;
  return OPENAI_COMPATIBLE;
}

/**
 * What a provider accepts for a model: the per-call maximum, the settings it takes, its size rules and how it
 * edits. Rules come from the official specs (`together-images-only.yaml`, `openai-images-and-edits.yaml`,
 * `r9s-images-only.yaml`, `aistats-images-only.yaml`), Together's model docs and the Together seed's limits.
 * r9s' and AI Stats' specs have no `/images/edits`, so neither edits; AI Stats' has no streaming either.
 */
export function capabilitiesFor(
  provider: Pick<ProviderPreset, 'dialect' | 'envelope'>,
  model: string,
): ModelCapabilities {
  if (provider.dialect === 'together') return togetherModel(model);
  const base = openAIFamily(model);
  if (provider.envelope === 'ai-stats') {
    const { edit: _edit, ...rest } = base;
    return { ...rest, accepts: new Set([...base.accepts].filter((s) => AI_STATS_FIELDS.has(s))) };
  }
  if (provider.envelope === 'r9s') {
    const { edit: _edit, ...rest } = base;
    const check = base.checkSize;
    return {
      ...rest,
      checkSize: (w, h) => (R9S_SIZES.includes(`${w}x${h}`) ? check?.(w, h) : `must be one of ${R9S_SIZES.join(', ')}`),
    };
  }
  return base;
}
