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
}

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
]);

const GPT_IMAGE: ModelCapabilities = {
  family: 'gpt-image',
  maxImagesPerCall: 10,
  accepts: GPT_IMAGE_ACCEPTS,
  values: { quality: ['low', 'medium', 'high', 'auto'] },
  checkSize: oneOf(['1024x1024', '1536x1024', '1024x1536']),
  autoSize: true,
  defaultResponse: 'base64',
};

const GPT_IMAGE_2: ModelCapabilities = {
  ...GPT_IMAGE,
  family: 'gpt-image-2',
  checkSize: (w, h) => {
    if (w % 16 !== 0 || h % 16 !== 0) return 'width and height must both be divisible by 16';
    if (Math.max(w, h) / Math.min(w, h) > 3) return 'the aspect ratio must be between 1:3 and 3:1';
    if (Math.max(w, h) > 3840 || Math.min(w, h) > 2160) return 'the maximum resolution is 3840x2160';
    return undefined;
  },
};

/** Any other model behind an OpenAI-shaped API: everything the OpenAI spec lists, n up to 10. */
const OPENAI_COMPATIBLE: ModelCapabilities = {
  family: 'openai-compatible',
  maxImagesPerCall: 10,
  accepts: new Set(OPENAI_FIELDS),
  autoSize: true,
  defaultResponse: 'url',
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
  if (id.startsWith('gpt-image')) return GPT_IMAGE;
  return OPENAI_COMPATIBLE;
}

/**
 * What a provider accepts for a model: the per-call maximum, the settings it takes and its size rules.
 * Rules come from the official specs (`together-images-only.yaml`, `openai-images-only.yaml`,
 * `r9s-images-only.yaml`, `aistats-images-only.yaml`) and the Together seed's practical limits.
 */
export function capabilitiesFor(
  provider: Pick<ProviderPreset, 'dialect' | 'envelope'>,
  model: string,
): ModelCapabilities {
  if (provider.dialect === 'together') return TOGETHER;
  const base = openAIFamily(model);
  if (provider.envelope === 'ai-stats') {
    return { ...base, accepts: new Set([...base.accepts].filter((s) => AI_STATS_FIELDS.has(s))) };
  }
  if (provider.envelope === 'r9s') {
    const check = base.checkSize;
    return {
      ...base,
      checkSize: (w, h) => (R9S_SIZES.includes(`${w}x${h}`) ? check?.(w, h) : `must be one of ${R9S_SIZES.join(', ')}`),
    };
  }
  return base;
}
