import { createPictorClient, type PictorClient, type PictorClientOptions } from '@pictor/core/kernel';
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import type { CredentialProvider } from '../../../credentials/PictorApi.credentials';
import { n8nSleep, n8nTransport } from './n8n-transport';

/** What the node stores in a `pictorApi` credential. */
export interface PictorCredentials {
  provider: CredentialProvider;
  apiKey: string;
  baseUrl?: string;
}

/** Maps a credential to core's client options: `custom-openai` / `custom-together` are core's `custom` provider. */
function clientOptionsFromCredentials({ provider, apiKey, baseUrl }: PictorCredentials): PictorClientOptions {
  // An empty field falls back to the provider's own base URL. The key is given to core only so that core can
  // redact it from every error: the credential itself authenticates each request (see n8nTransport).
  const common = { apiKey, baseURL: baseUrl?.trim() || undefined };
  if (provider === 'custom-openai') return { provider: 'custom', dialect: 'openai', ...common };
  if (provider === 'custom-together') return { provider: 'custom', dialect: 'together', ...common };
  return { provider, ...common };
}

/**
 * A core client for the node's `pictorApi` credential, sending through n8n's HTTP helpers and waiting with
 * n8n-workflow's `sleep`. Every call goes through core (retries, timeouts, decoding, typed errors).
 */
export async function createClient(
  this: IExecuteFunctions | ILoadOptionsFunctions,
  options: Pick<PictorClientOptions, 'timeoutMs' | 'maxRetries'> = {},
): Promise<PictorClient> {
  const credentials = await this.getCredentials<PictorCredentials>('pictorApi');
  return createPictorClient({
    ...clientOptionsFromCredentials(credentials),
    ...options,
    transport: n8nTransport(this),
    sleep: n8nSleep,
  });
}
