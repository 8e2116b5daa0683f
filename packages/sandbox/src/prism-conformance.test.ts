import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, type JsonResponse } from './__fixtures__/http.js';
import { PROVIDER_NAMES, type ProviderName } from './providers.js';
import { defaultSpecDir, SPEC_FILES } from './spec-validator.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

// Stoplight Prism in proxy mode with --errors, fed the official spec of each dialect, sits in front of the
// sandbox: it validates the request before forwarding it and the sandbox's response before passing it on.
// A response that violates the spec comes back as a 500 from Prism naming the violation.

const require = createRequire(import.meta.url);
const prismPackage = require.resolve('@stoplight/prism-cli/package.json');
const prismBin = join(dirname(prismPackage), (require(prismPackage) as { bin: { prism: string } }).bin.prism);

const API_KEY = 'sk-prism-conformance';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface RunningPrism {
  url: string;
  process: ChildProcess;
  output: string[];
}

function startPrism(spec: string, upstream: string): Promise<RunningPrism> {
  return freePort().then(
    (port) =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [prismBin, 'proxy', '-h', '127.0.0.1', '-p', String(port), '--errors', spec, upstream],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        const output: string[] = [];
        const timer = setTimeout(() => reject(new Error(`Prism did not start:\n${output.join('')}`)), 45_000);
        const onData = (chunk: Buffer): void => {
          output.push(chunk.toString());
          if (output.join('').includes('Prism is listening')) {
            clearTimeout(timer);
            resolve({ url: `http://127.0.0.1:${port}`, process: child, output });
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Prism exited with ${code}:\n${output.join('')}`));
        });
      }),
  );
}

interface Violation {
  severity: string;
  message: string;
  location?: string[];
}

function violations(res: JsonResponse): Violation[] {
  const header = res.headers.get('sl-violations');
  return header ? (JSON.parse(header) as Violation[]) : [];
}

/** Asserts Prism let the sandbox's answer through: the expected status, the sandbox's request id, no error-level violation. */
function expectPassed(res: JsonResponse, status: number): void {
  const complaint = `Prism said: ${res.status} ${res.headers.get('sl-violations') ?? ''}\n${res.text.slice(0, 2000)}`;
  expect(res.status, complaint).toBe(status);
  expect(res.headers.get('x-request-id'), complaint).toMatch(/^req_/);
  const errors = violations(res).filter((v) => v.severity === 'Error');
  expect(errors, complaint).toEqual([]);
  // The only warning allowed: a status code the spec does not document (Together and OpenAI document only 200).
  for (const v of violations(res)) expect(v.message, complaint).toMatch(/Unable to match the returned status code/);
  if (status === 200) expect(violations(res), complaint).toEqual([]);
}

const MODELS: Record<ProviderName, string> = {
  together: 'black-forest-labs/FLUX.1-schnell',
  openai: 'dall-e-2',
  r9s: 'gpt-4o-mini',
  'ai-stats': 'openai/dall-e-2',
};

function success(provider: ProviderName, mode: 'b64' | 'url'): Record<string, unknown> {
  if (provider === 'together') {
    return {
      model: MODELS.together,
      prompt: 'A sunset over mountains',
      width: 256,
      height: 256,
      steps: 4,
      response_format: mode === 'b64' ? 'base64' : 'url',
    };
  }
  return {
    model: MODELS[provider],
    prompt: 'A cute baby sea otter',
    size: '256x256',
    n: 1,
    response_format: mode === 'b64' ? 'b64_json' : 'url',
  };
}

/** A body the spec allows but the model does not: the sandbox's own 400/404. */
function overModelLimit(provider: ProviderName): Record<string, unknown> {
  if (provider === 'together') return { ...success(provider, 'b64'), n: 5 };
  return {
    ...success(provider, 'b64'),
    model: provider === 'ai-stats' ? 'openai/dall-e-3' : 'dall-e-3',
    size: '1024x1024',
    n: 2,
  };
}

/** A body the spec itself forbids. */
function againstSpec(provider: ProviderName): Record<string, unknown> {
  if (provider === 'together') return { ...success(provider, 'b64'), response_format: 'png' };
  if (provider === 'ai-stats') return { ...success(provider, 'b64'), n: 11 };
  return { ...success(provider, 'b64'), quality: 'ultra' };
}

describe('Prism proxy with the official specs in front of the sandbox', () => {
  let sandbox: Sandbox;
  const prisms = {} as Record<ProviderName, RunningPrism>;

  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    const started = await Promise.all(
      PROVIDER_NAMES.map((provider) =>
        startPrism(join(defaultSpecDir(), SPEC_FILES[provider]), sandbox.urls[provider]),
      ),
    );
    PROVIDER_NAMES.forEach((provider, i) => (prisms[provider] = started[i]!));
  }, 60_000);

  afterAll(async () => {
    for (const prism of Object.values(prisms)) prism.process.kill('SIGTERM');
    await sandbox?.close();
  });

  const through = (
    provider: ProviderName,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonResponse> =>
    postJson(`${prisms[provider].url}/images/generations`, body, { authorization: `Bearer ${API_KEY}`, ...headers });

  describe.each(PROVIDER_NAMES)('%s', (provider) => {
    it('passes base64 and URL successes', async () => {
      const b64 = await through(provider, success(provider, 'b64'));
      expectPassed(b64, 200);
      expect(b64.json.data[0].b64_json).toBeTruthy();
      const url = await through(provider, success(provider, 'url'));
      expectPassed(url, 200);
      expect((await fetch(url.json.data[0].url)).status).toBe(200);
    });

    it('passes the GPT image model success shape (usage, output_format)', async () => {
      if (provider === 'together') return;
      const model = provider === 'ai-stats' ? 'openai/gpt-image-1' : 'gpt-image-1';
      const res = await through(provider, { model, prompt: 'otter', size: '1024x1024', quality: 'low' });
      expectPassed(res, 200);
    });

    it('passes a 401 for a wrong key', async () => {
      expectPassed(await through(provider, success(provider, 'b64'), { authorization: 'Bearer sk-wrong' }), 401);
    });

    it('passes the sandbox 400/404 for what the spec allows but the model does not', async () => {
      expectPassed(await through(provider, overModelLimit(provider)), 400);
      expectPassed(
        await through(provider, { ...success(provider, 'b64'), model: 'acme/no-such-model' }),
        provider === 'together' ? 404 : 400,
      );
    });

    it('passes 429 rate limits and quota errors', async () => {
      const limited = await through(provider, success(provider, 'b64'), { 'x-sandbox-fault': 'rate-limit' });
      expectPassed(limited, 429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expectPassed(await through(provider, success(provider, 'b64'), { 'x-sandbox-fault': 'quota' }), 429);
    });

    it('passes 500 and 503', async () => {
      expectPassed(await through(provider, success(provider, 'b64'), { 'x-sandbox-fault': 'server-error' }), 500);
      expectPassed(await through(provider, success(provider, 'b64'), { 'x-sandbox-fault': 'unavailable' }), 503);
    });

    it('agrees with Prism on what the spec forbids', async () => {
      const body = againstSpec(provider);
      const prism = await through(provider, body);
      expect(prism.status, prism.text).toBe(422); // Prism refuses it before forwarding
      const direct = await postJson(`${sandbox.urls[provider]}/images/generations`, body, {
        authorization: `Bearer ${API_KEY}`,
      });
      expect(direct.status, direct.text).toBe(400); // the sandbox, reading the same spec, refuses it too
    });
  });

  // Prism proxies a multipart body as text, which breaks binary files on the way, and cannot read a
  // text/event-stream answer: through it, edits are checked as JSON bodies and forms are checked for what Prism
  // itself validates. The stream events are checked against the spec's event schemas in routes/stream-images.test.ts.
  describe('openai /images/edits', () => {
    const dataUrl = async (): Promise<string> => {
      const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c03030' } })
        .png()
        .toBuffer();
      return `data:image/png;base64,${png.toString('base64')}`;
    };
    const edit = (body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> =>
      postJson(`${prisms.openai.url}/images/edits`, body, { authorization: `Bearer ${API_KEY}`, ...headers });

    it('passes JSON edit successes, 401s, 429s and the model limits', async () => {
      const images = [{ image_url: await dataUrl() }];
      const ok = await edit({ model: 'gpt-image-1', prompt: 'watercolour', images, quality: 'low' });
      expectPassed(ok, 200);
      expect(ok.json.data[0].b64_json).toBeTruthy();
      expectPassed(await edit({ prompt: 'p', images }, { authorization: 'Bearer sk-wrong' }), 401);
      expectPassed(await edit({ prompt: 'p', images }, { 'x-sandbox-fault': 'rate-limit' }), 429);
      expectPassed(await edit({ model: 'gpt-image-1-mini', prompt: 'p', images, input_fidelity: 'high' }), 400);
      expectPassed(await edit({ prompt: 'p', images: [{ image_url: 'https://example.com/a.png' }] }), 400);
    });

    it('agrees with Prism on what the spec forbids, in JSON and in a form', async () => {
      const json = { prompt: 'p', images: [] };
      expect((await edit(json)).status).toBe(422);
      const direct = await postJson(`${sandbox.urls.openai}/images/edits`, json, {
        authorization: `Bearer ${API_KEY}`,
      });
      expect(direct.status, direct.text).toBe(400);

      const form = (): FormData => {
        const body = new FormData();
        body.append('prompt', 'p');
        body.append('quality', 'ultra');
        body.append('image', new Blob([Buffer.from('png')], { type: 'image/png' }), 'a.png');
        return body;
      };
      const send = (base: string) =>
        fetch(`${base}/images/edits`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}` },
          body: form(),
        });
      const prism = await send(prisms.openai.url);
      expect(prism.status).toBe(422);
      expect(await prism.text()).toMatch(/quality/);
      const refused = await send(sandbox.urls.openai);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { param: string } }).error.param).toBe('quality');
    });
  });
});
