import { describe, expect, it } from 'vitest';
import { resolveProvider } from './resolve-provider.js';

describe('resolveProvider', () => {
  it('with no key and no provider, picks the embedded sandbox', () => {
    expect(resolveProvider({}, {})).toEqual({ kind: 'embedded', reason: 'no-key' });
    expect(resolveProvider({}, { TOGETHER_API_KEY: '  ' })).toEqual({ kind: 'embedded', reason: 'no-key' });
  });

  it('takes the first key found: PICTOR_API_KEY, TOGETHER, OPENAI, R9S, AI_STATS', () => {
    const env = { OPENAI_API_KEY: 'o', R9S_API_KEY: 'r', AI_STATS_API_KEY: 'a' };
    expect(resolveProvider({}, env)).toMatchObject({ provider: 'openai', apiKey: 'o', keySource: 'OPENAI_API_KEY' });
    expect(resolveProvider({}, { ...env, TOGETHER_API_KEY: 't' })).toMatchObject({ provider: 'together', apiKey: 't' });
    expect(resolveProvider({}, { ...env, TOGETHER_API_KEY: 't', PICTOR_API_KEY: 'p' })).toMatchObject({
      provider: 'together',
      apiKey: 'p',
      keySource: 'PICTOR_API_KEY',
    });
    expect(resolveProvider({}, { AI_STATS_API_KEY: 'a' })).toMatchObject({ provider: 'ai-stats', apiKey: 'a' });
  });

  it('PICTOR_API_KEY goes with PICTOR_PROVIDER and PICTOR_BASE_URL', () => {
    expect(resolveProvider({}, { PICTOR_API_KEY: 'p', PICTOR_PROVIDER: 'r9s' })).toMatchObject({
      provider: 'r9s',
      apiKey: 'p',
    });
    expect(resolveProvider({}, { PICTOR_API_KEY: 'p', PICTOR_BASE_URL: 'http://gw/v1' })).toMatchObject({
      provider: 'custom',
      baseURL: 'http://gw/v1',
      apiKey: 'p',
    });
  });

  it('an explicit provider wins, with its own key first, then PICTOR_API_KEY, and --api-key-stdin above both', () => {
    const env = { TOGETHER_API_KEY: 't', OPENAI_API_KEY: 'o', PICTOR_API_KEY: 'p' };
    expect(resolveProvider({ provider: 'openai' }, env)).toMatchObject({
      provider: 'openai',
      apiKey: 'o',
      keySource: 'OPENAI_API_KEY',
    });
    expect(resolveProvider({ provider: 'r9s' }, env)).toMatchObject({
      provider: 'r9s',
      apiKey: 'p',
      keySource: 'PICTOR_API_KEY',
    });
    expect(resolveProvider({ provider: 'openai', stdinKey: 's' }, env)).toMatchObject({
      apiKey: 's',
      keySource: '--api-key-stdin',
    });
    expect(resolveProvider({ provider: 'openai' }, { ...env, PICTOR_PROVIDER: 'r9s' })).toMatchObject({
      provider: 'openai',
    });
  });

  it('--provider sandbox without a base URL is the embedded sandbox; with one it is that server', () => {
    expect(resolveProvider({ provider: 'sandbox' }, { TOGETHER_API_KEY: 't' })).toEqual({
      kind: 'embedded',
      reason: 'asked',
    });
    expect(resolveProvider({ provider: 'sandbox', baseUrl: 'http://127.0.0.1:1/together/v1' }, {})).toMatchObject({
      kind: 'remote',
      provider: 'sandbox',
      apiKey: undefined,
    });
  });

  it('a base URL without a provider means a custom gateway', () => {
    expect(resolveProvider({ baseUrl: 'http://gw/v1', dialect: 'together' }, { TOGETHER_API_KEY: 't' })).toMatchObject({
      provider: 'custom',
      dialect: 'together',
      apiKey: undefined,
    });
  });

  it('refuses an unknown PICTOR_PROVIDER and a missing key, saying what to set', () => {
    expect(() => resolveProvider({}, { PICTOR_PROVIDER: 'dalle' })).toThrow(
      /PICTOR_PROVIDER must be one of together, openai/,
    );
    expect(() => resolveProvider({ provider: 'ai-stats' }, {})).toThrow(
      /AI Stats needs an API key: set AI_STATS_API_KEY/,
    );
  });
});
