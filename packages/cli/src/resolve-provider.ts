import { PROVIDER_NAMES, PROVIDERS, type Dialect, type ProviderName } from '@pictor/core';
import { UsageError } from './usage-error.js';

/** The environment variable holding each named provider's key, from core's presets. `PICTOR_API_KEY` serves any provider. */
export const KEY_ENV: Partial<Record<ProviderName, string>> = Object.fromEntries(
  PROVIDER_NAMES.filter((name) => name !== 'custom' && PROVIDERS[name].keyVariable).map((name) => [
    name,
    PROVIDERS[name].keyVariable,
  ]),
);

/** Where a key is looked for when no provider is named, first match wins: PICTOR_API_KEY, then each preset's. */
const DISCOVERY: Array<[string, ProviderName]> = [
  ['PICTOR_API_KEY', 'together'],
  ...Object.entries(KEY_ENV).map(([name, variable]) => [variable, name] as [string, ProviderName]),
];

export interface ProviderFlags {
  provider?: string;
  baseUrl?: string;
  dialect?: Dialect;
  /** A key read from stdin (`--api-key-stdin`). */
  stdinKey?: string;
}

/** Where requests go: the sandbox started in this process, or a provider at a URL. */
export type ProviderChoice =
  | { kind: 'embedded'; reason: 'no-key' | 'asked' }
  | {
      kind: 'remote';
      provider: ProviderName;
      baseURL: string | undefined;
      dialect: Dialect | undefined;
      apiKey: string | undefined;
      /** What the key came from, named in hints: `TOGETHER_API_KEY`, `--api-key-stdin`, … */
      keySource: string | undefined;
    };

function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function checkProvider(value: string, where: string): ProviderName {
  if ((PROVIDER_NAMES as string[]).includes(value)) return value as ProviderName;
  throw new UsageError(`${where} must be one of ${PROVIDER_NAMES.join(', ')} (got "${value}")`);
}

/**
 * Picks the provider and key. `--provider` (or `PICTOR_PROVIDER`) wins, with its own key variable, then
 * `PICTOR_API_KEY`, or `--api-key-stdin`; a base URL without a provider means `custom`. Otherwise the first key
 * found among PICTOR_API_KEY, TOGETHER_API_KEY, OPENAI_API_KEY, R9S_API_KEY, AI_STATS_API_KEY picks the provider.
 * No key at all (or `--provider sandbox` without a base URL): the embedded sandbox.
 */
export function resolveProvider(flags: ProviderFlags, env: NodeJS.ProcessEnv): ProviderChoice {
  const fromEnv = read(env, 'PICTOR_PROVIDER');
  const named = flags.provider
    ? checkProvider(flags.provider, '--provider')
    : fromEnv && checkProvider(fromEnv, 'PICTOR_PROVIDER');
  const baseURL = flags.baseUrl ?? read(env, 'PICTOR_BASE_URL');
  const remote = (
    provider: ProviderName,
    apiKey: string | undefined,
    keySource: string | undefined,
  ): ProviderChoice => ({
    kind: 'remote',
    provider,
    baseURL,
    dialect: flags.dialect,
    apiKey,
    keySource: apiKey ? keySource : undefined,
  });

  if (named) {
    if (named === 'sandbox' && !baseURL) return { kind: 'embedded', reason: 'asked' };
    const own = KEY_ENV[named];
    if (flags.stdinKey) return remote(named, flags.stdinKey, '--api-key-stdin');
    if (own && read(env, own)) return remote(named, read(env, own), own);
    const apiKey = read(env, 'PICTOR_API_KEY');
    if (!apiKey && PROVIDERS[named].requiresKey) {
      throw new UsageError(
        `${PROVIDERS[named].label} needs an API key: set ${own ?? 'PICTOR_API_KEY'} (or PICTOR_API_KEY), or pipe it to --api-key-stdin`,
      );
    }
    return remote(named, apiKey, 'PICTOR_API_KEY');
  }
  if (baseURL) {
    return flags.stdinKey
      ? remote('custom', flags.stdinKey, '--api-key-stdin')
      : remote('custom', read(env, 'PICTOR_API_KEY'), 'PICTOR_API_KEY');
  }
  if (flags.stdinKey) return remote('together', flags.stdinKey, '--api-key-stdin');
  for (const [name, provider] of DISCOVERY) {
    const apiKey = read(env, name);
    if (apiKey) return remote(provider, apiKey, name);
  }
  return { kind: 'embedded', reason: 'no-key' };
}
