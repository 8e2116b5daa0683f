import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from './__fixtures__/http.js';
import { PROVIDER_NAMES } from './providers.js';
import { decodePathSegment, parseRequestTarget, providerIn } from './request-target.js';
import { SpecValidator } from './spec-validator.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

describe('request targets', () => {
  it('reads an origin-form target as a path, even one starting with //', () => {
    expect(parseRequestTarget('//evil.example/openai/v1/models?x=%zz')?.url.pathname).toBe(
      '//evil.example/openai/v1/models',
    );
    expect(parseRequestTarget('/openai/v1/models')?.authority).toBeUndefined();
    expect(parseRequestTarget('http://127.0.0.1:8787/openai/v1/models')).toMatchObject({ authority: '127.0.0.1:8787' });
    for (const bad of ['http://[/', 'http://%/x', '*', 'openai/v1/models', 'ftp://x/'])
      expect(parseRequestTarget(bad), bad).toBeUndefined();
  });

  it('decodes a path segment, or says it cannot', () => {
    expect(decodePathSegment('black-forest-labs%2FFLUX.1-schnell')).toBe('black-forest-labs/FLUX.1-schnell');
    for (const bad of ['%', '%E0%A4%A', '%C0%AF', 'a%zz']) expect(decodePathSegment(bad), bad).toBeUndefined();
  });

  it('finds the stand-in a raw target names', () => {
    expect(providerIn('http://%/ai-stats/v1/models')).toBe('ai-stats');
    expect(providerIn('/together/v1')).toBe('together');
    expect(providerIn('/nobody/v1/models')).toBeUndefined();
  });
});

describe('malformed input over HTTP', () => {
  const lines: string[] = [];
  const validator = new SpecValidator();
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ log: (line) => lines.push(line) });
  });
  afterAll(() => sandbox.close());

  it.each(PROVIDER_NAMES)(
    '%s: a bad percent escape in a model id gets 400 in the envelope, not 500 and a stack',
    async (provider) => {
      const res = await getJson(`${sandbox.urls[provider]}/models/%E0%A4%A`);
      expect(res.status).toBe(400);
      expect(validator.validateError(provider, res.json)).toEqual([]);
      expect(res.text).toMatch(/Invalid model id in the path/);
      expect((await getJson(`${sandbox.urls[provider]}/models/dall-e-2%`)).status).toBe(400);
    },
  );

  it('answers a request target that is no URL with 400', async () => {
    const raw = (target: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(sandbox.port, '127.0.0.1', () =>
          socket.end(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
        );
        let text = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
    const generic = await raw('http://[/');
    expect(generic).toMatch(/^HTTP\/1\.1 400 /);
    expect(generic).toMatch(/"code":"invalid_request_target"/);
    const together = await raw('http://%/together/v1/models');
    expect(together).toMatch(/^HTTP\/1\.1 400 /);
    expect(together).toMatch(/"param":null,"code":"invalid_request_target"/);
  });

  it('logged no internal error and no stack', async () => {
    await getJson(`${sandbox.url}/health`);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toMatch(/internal error|\n\s+at /);
  });
});
