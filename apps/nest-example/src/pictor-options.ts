import type { ConfigService } from '@nestjs/config';
import { resolveClientOptions, ValidationError, type PictorClientOptions, type ProviderName } from '@pictor/core';

/** The environment variable behind each client option. */
const VARIABLES = {
  provider: 'PICTOR_PROVIDER',
  apiKey: 'PICTOR_API_KEY',
  baseURL: 'PICTOR_BASE_URL',
  dialect: 'PICTOR_DIALECT',
  model: 'PICTOR_MODEL',
  maxRetries: 'PICTOR_MAX_RETRIES',
  timeoutMs: 'PICTOR_TIMEOUT_MS',
  maxCost: 'PICTOR_MAX_COST',
} as const satisfies Partial<Record<keyof PictorClientOptions, string>>;

/**
 * The Pictor client's options, read from the configuration (`PICTOR_*` environment variables). The provider
 * defaults to the offline sandbox (`npx pictor-sandbox`). Core validates them; a bad value stops the boot with
 * a message naming its variable, e.g. `Invalid configuration: PICTOR_API_KEY: is required for Together AI`.
 */
export function pictorOptionsFrom(config: ConfigService): PictorClientOptions {
  const text = (name: string): string | undefined => config.get<string>(name)?.trim() || undefined;
  const issues: { field: string; message: string }[] = [];
  const integer = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    // The value is not echoed: a secret pasted into the wrong variable must not reach the logs.
    if (!/^\d+$/.test(value)) issues.push({ field: name, message: 'must be a whole number' });
    return Number(value);
  };
  const dollars = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(value))
      issues.push({ field: name, message: 'must be a number of US dollars, e.g. 5 or 0.25' });
    return Number(value);
  };
  const options: PictorClientOptions = {
    provider: (text(VARIABLES.provider) ?? 'sandbox') as ProviderName,
    apiKey: text(VARIABLES.apiKey),
    baseURL: text(VARIABLES.baseURL),
    dialect: text(VARIABLES.dialect) as PictorClientOptions['dialect'],
    model: text(VARIABLES.model),
    maxRetries: integer(VARIABLES.maxRetries),
    timeoutMs: integer(VARIABLES.timeoutMs),
    maxCost: dollars(VARIABLES.maxCost),
  };
  if (issues.length) throw new ValidationError(issues, 'configuration');
  try {
    resolveClientOptions(options);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    const named = error.issues.map((i) => ({ ...i, field: VARIABLES[i.field as keyof typeof VARIABLES] ?? i.field }));
    throw new ValidationError(named, 'configuration');
  }
  return options;
}
