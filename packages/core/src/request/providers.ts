/** The two wire dialects of `POST /images/generations`. */
export type Dialect = 'together' | 'openai';

/** Known providers; `custom` is any base URL speaking either dialect, `sandbox` the offline provider. */
export type ProviderName = 'together' | 'openai' | 'r9s' | 'ai-stats' | 'sandbox' | 'custom';

export interface ProviderPreset {
  name: ProviderName;
  /** Human name for messages and UIs. */
  label: string;
  dialect: Dialect;
  baseURL: string | undefined;
  /** The model used when a request names none. */
  defaultModel: string | undefined;
  /** The model used when an edit names none (the generation default may not edit). */
  defaultEditModel: string | undefined;
  /** Whether the provider needs an API key (the sandbox accepts any). */
  requiresKey: boolean;
  /** Error-envelope family, for parsing error bodies. */
  envelope: 'together' | 'openai' | 'r9s' | 'ai-stats';
  /**
   * The environment variable adapters read the key from (the CLI, the Action's docs); core itself reads none.
   * `PICTOR_API_KEY` serves any provider.
   */
  keyVariable: string | undefined;
}

/** Default port of `pictor-sandbox` and of `pictor sandbox`. */
export const SANDBOX_DEFAULT_PORT = 8787;

export const PROVIDERS: Record<ProviderName, ProviderPreset> = {
  together: {
    name: 'together',
    label: 'Together AI',
    dialect: 'together',
    baseURL: 'https://api.together.xyz/v1',
    defaultModel: 'black-forest-labs/FLUX.1-schnell',
    defaultEditModel: 'black-forest-labs/FLUX.2-pro',
    requiresKey: true,
    envelope: 'together',
    keyVariable: 'TOGETHER_API_KEY',
  },
  // gpt-image-1 was shut down on 2026-10-23 (OpenAI's generate reference); gateways (r9s, AI Stats) still list it.
  openai: {
    name: 'openai',
    label: 'OpenAI',
    dialect: 'openai',
    baseURL: 'https://api.openai.com/v1',
    defaultModel: 'gpt-image-2',
    defaultEditModel: 'gpt-image-2',
    requiresKey: true,
    envelope: 'openai',
    keyVariable: 'OPENAI_API_KEY',
  },
  r9s: {
    name: 'r9s',
    label: 'r9s',
    dialect: 'openai',
    baseURL: 'https://api.r9s.ai/v1',
    defaultModel: 'gpt-image-1',
    defaultEditModel: undefined,
    requiresKey: true,
    envelope: 'r9s',
    keyVariable: 'R9S_API_KEY',
  },
  'ai-stats': {
    name: 'ai-stats',
    label: 'AI Stats',
    dialect: 'openai',
    baseURL: 'https://api.ai-stats.phaseo.app/v1',
    defaultModel: 'openai/gpt-image-1',
    defaultEditModel: undefined,
    requiresKey: true,
    envelope: 'ai-stats',
    keyVariable: 'AI_STATS_API_KEY',
  },
  sandbox: {
    name: 'sandbox',
    label: 'Pictor sandbox',
    dialect: 'together',
    baseURL: `http://127.0.0.1:${SANDBOX_DEFAULT_PORT}/together/v1`,
    defaultModel: 'black-forest-labs/FLUX.1-schnell',
    defaultEditModel: 'black-forest-labs/FLUX.2-pro',
    requiresKey: false,
    envelope: 'together',
    keyVariable: undefined,
  },
  custom: {
    name: 'custom',
    label: 'Custom',
    dialect: 'openai',
    baseURL: undefined,
    defaultModel: undefined,
    defaultEditModel: undefined,
    requiresKey: false,
    envelope: 'openai',
    keyVariable: 'PICTOR_API_KEY',
  },
};

export const PROVIDER_NAMES = Object.keys(PROVIDERS) as ProviderName[];
