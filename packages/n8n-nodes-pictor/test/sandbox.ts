import { startSandbox, type Sandbox } from '@pictor/sandbox';
import type { CredentialProvider } from '../credentials/PictorApi.credentials';
import type { PictorCredentials } from '../nodes/Pictor/transport/create-client';

/** A recognisable key: tests assert it never shows up in items, errors or messages. */
export const TEST_KEY = 'pictor-unit-SECRET-7f3a91c2e8';

/** A key the sandbox refuses, just as recognisable. */
export const WRONG_KEY = 'sk-wrong-RECOGNISABLE-4b1d9e77c0';

/** The offline provider, over real loopback HTTP, accepting only `TEST_KEY`. */
export function startTestSandbox(): Promise<Sandbox> {
  return startSandbox({ port: 0, apiKey: TEST_KEY });
}

/** A `pictorApi` credential pointing at one of the sandbox's stand-ins. */
export function credentialsFor(
  sandbox: Sandbox,
  provider: CredentialProvider = 'together',
  apiKey = TEST_KEY,
): PictorCredentials {
  const standIn = provider === 'custom-together' ? 'together' : provider === 'custom-openai' ? 'openai' : provider;
  return { provider, apiKey, baseUrl: sandbox.urls[standIn] };
}
