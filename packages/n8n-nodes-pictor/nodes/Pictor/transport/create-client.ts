import { createPictorClient, type PictorClient, type PictorClientOptions } from '@pictor/core';
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import type { CredentialProvider } from '../../../credentials/PictorApi.credentials';

/** What the node stores in a `pictorApi` credential. */
export interface PictorCredentials {
  provider: CredentialProvider;
  apiKey: string;
  baseUrl?: string;
}

/** Maps a credential to core's client options: `custom-openai` / `custom-together` are core's `custom` provider. */
function clientOptionsFromCredentials({ provider, apiKey, baseUrl }: PictorCredentials): PictorClientOptions {
  // An empty field falls back to the provider's own base URL.
  const common = { apiKey, baseURL: baseUrl?.trim() || undefined };
  if (provider === 'custom-openai') return { provider: 'custom', dialect: 'openai', ...common };
  if (provider === 'custom-together') return { provider: 'custom', dialect: 'together', ...common };
  return { provider, ...common };
}

/**
 * A core client for the node's `pictorApi` credential. Every call goes through core (retries, timeouts,
 * decoding, typed errors); the caller closes the client when done.
 */
export async function createClient(
  this: IExecuteFunctions | ILoadOptionsFunctions,
  options: Pick<PictorClientOptions, 'timeoutMs' | 'maxRetries'> = {},
): Promise<PictorClient> {
  const credentials = await this.getCredentials<PictorCredentials>('pictorApi');
  return createPictorClient({ ...clientOptionsFromCredentials(credentials), ...options });
}
