/** The four provider stand-ins the sandbox serves, each under `/<name>/v1`. */
export const PROVIDER_NAMES = ['together', 'openai', 'r9s', 'ai-stats'] as const;

/** One of the sandbox's stand-ins. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Default port of the `pictor-sandbox` command. */
export const SANDBOX_DEFAULT_PORT = 8787;

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

/** Path of a provider's base URL on the sandbox, e.g. `/together/v1`. */
export function providerBasePath(provider: ProviderName): string {
  return `/${provider}/v1`;
}

/** Base URLs of every stand-in under one server origin. */
export function providerUrls(origin: string): Record<ProviderName, string> {
  const urls = {} as Record<ProviderName, string>;
  for (const name of PROVIDER_NAMES) urls[name] = `${origin}${providerBasePath(name)}`;
  return urls;
}
