import type { Sandbox } from '@pictor/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFor, startTestSandbox, TEST_KEY } from '../test/sandbox';
import { PictorApi } from './PictorApi.credentials';

const credential = new PictorApi();

/** Resolves `={{$credentials.x}}` templates the way n8n does for these simple expressions. */
function resolve(template: string, data: Record<string, string>): string {
  return template
    .replace(/^=/, '')
    .replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, name: string) => data[name] ?? '');
}

/** Sends the credential's declarative test request with its generic authentication, as n8n would. */
async function testCredential(data: Record<string, string>): Promise<number> {
  const { baseURL = '', url } = credential.test.request;
  const headers = Object.fromEntries(
    Object.entries(credential.authenticate.properties.headers ?? {}).map(([name, value]) => [
      name,
      resolve(String(value), data),
    ]),
  );
  const response = await fetch(`${resolve(baseURL, data)}${url}`, { headers });
  await response.body?.cancel();
  return response.status;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('Pictor API credential', () => {
  it('shows exactly one Base URL per provider, prefilled for the known ones and empty for custom', () => {
    const providers = credential.properties
      .find((p) => p.name === 'provider')
      ?.options?.map((o) => ('value' in o ? o.value : ''));
    const prefilled = providers?.map((provider) => {
      const shown = credential.properties.filter(
        (p) => p.name === 'baseUrl' && p.displayOptions?.show?.provider?.includes(provider),
      );
      expect(shown, String(provider)).toHaveLength(1);
      return [provider, shown[0]?.default];
    });

    expect(Object.fromEntries(prefilled ?? [])).toEqual({
      together: 'https://api.together.xyz/v1',
      openai: 'https://api.openai.com/v1',
      r9s: 'https://api.r9s.ai/v1',
      'ai-stats': 'https://api.ai-stats.phaseo.app/v1',
      'custom-openai': '',
      'custom-together': '',
    });
  });

  it('keeps the API key masked', () => {
    expect(credential.properties.find((p) => p.name === 'apiKey')?.typeOptions?.password).toBe(true);
  });

  it("passes its test against the provider's models endpoint with the right key, and fails with a wrong one", async () => {
    for (const provider of ['together', 'openai', 'r9s', 'ai-stats'] as const) {
      const data = { ...credentialsFor(sandbox, provider), baseUrl: sandbox.urls[provider] };
      expect(await testCredential(data), provider).toBe(200);
      expect(await testCredential({ ...data, apiKey: `${TEST_KEY}-wrong` }), provider).toBe(401);
    }
  });
});
