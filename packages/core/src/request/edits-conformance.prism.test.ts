import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openAIBody } from '../__fixtures__/images-response.js';
import { makePng } from '../__fixtures__/make-png.js';
import { SPEC_DIR } from '../__fixtures__/spec-validator.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { UnprocessableEntityError } from '../errors/index.js';
import type { PictorClient } from '../client/client.js';
import { createPictorClient } from '../client/node-client.js';
import type { EditRequest } from './edit-request.js';

// The bodies core sends for edits and streams, checked by Stoplight Prism (proxy mode, --errors) against OpenAI's
// official `openai-images-and-edits.yaml`: Prism validates each request before forwarding it and the answer on the
// way back. The upstream is a plain loopback server answering a spec-valid `ImagesResponse`.

const SPEC = new URL('openai-images-and-edits.prism.yaml', SPEC_DIR).pathname;
const require = createRequire(import.meta.url);
const prismPackage = require.resolve('@stoplight/prism-cli/package.json');
const prismBin = join(dirname(prismPackage), (require(prismPackage) as { bin: { prism: string } }).bin.prism);

const PNG = makePng(64, 64, 1);
const MASK = makePng(64, 64, 2);

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

let upstream: TestServer;
let prism: ChildProcess;
let client: PictorClient;

beforeAll(async () => {
  upstream = await startTestServer((_req, res) => sendJson(res, 200, openAIBody(1, 16, 16)));
  const port = await freePort();
  prism = spawn(
    process.execPath,
    [prismBin, 'proxy', '-h', '127.0.0.1', '-p', String(port), '--errors', SPEC, upstream.url],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start:\n${output.join('')}`)), 45_000);
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      if (output.join('').includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    prism.stdout!.on('data', onData);
    prism.stderr!.on('data', onData);
  });
  client = createPictorClient({
    provider: 'custom',
    dialect: 'openai',
    baseURL: `http://127.0.0.1:${port}`,
    apiKey: 'sk-prism',
    maxRetries: 0,
  });
}, 60_000);

afterAll(async () => {
  await client?.close();
  prism?.kill();
  await upstream?.close();
});

describe("core's edit and stream bodies pass Prism against OpenAI's official spec", () => {
  it('a streamed generation with every GPT image setting', async () => {
    const result = await client.generate({
      model: 'gpt-image-1.5',
      prompt: 'a lighthouse',
      size: '1536x1024',
      quality: 'high',
      background: 'opaque',
      outputFormat: 'webp',
      outputCompression: 80,
      moderation: 'low',
      user: 'u-1',
      partialImages: 3,
    });
    expect(result.images).toHaveLength(1);
    expect(JSON.parse(upstream.requests.at(-1)!.body)).toMatchObject({ stream: true, partial_images: 3 });
  });

  const edits: Array<[string, EditRequest]> = [
    [
      'a multipart edit of one upload with a mask and every setting the form takes',
      {
        model: 'gpt-image-1.5',
        prompt: 'make it dusk',
        images: [PNG],
        mask: MASK,
        n: 2,
        size: '1024x1536',
        quality: 'medium',
        background: 'transparent',
        outputFormat: 'png',
        user: 'u-1',
        inputFidelity: 'high',
        partialImages: 0,
      },
    ],
    [
      'a dall-e-2 multipart edit asking for URLs',
      { model: 'dall-e-2', prompt: 'p', images: [PNG], size: '512x512', responseFormat: 'url' },
    ],
    [
      'a JSON edit of images by URL, with a mask and moderation',
      {
        model: 'gpt-image-2',
        prompt: 'p',
        images: [{ url: 'https://img.example/a.png' }, PNG],
        mask: { url: 'https://img.example/mask.png' },
        size: '1536x1024',
        quality: 'low',
        moderation: 'low',
        outputFormat: 'jpeg',
        outputCompression: 50,
        inputFidelity: 'low',
        stream: true,
      },
    ],
  ];
  for (const [name, request] of edits) {
    it(name, async () => {
      const result = await client.edit(request);
      expect(result.failures).toEqual([]);
      expect(result.images.length).toBeGreaterThan(0);
    });
  }

  it('is a real check: a body the spec forbids is refused by Prism before it reaches the provider', async () => {
    const before = upstream.requests.length;
    const error = await client
      .edit({ model: 'gpt-image-1.5', prompt: 'p', images: [PNG], providerOptions: { quality: 'ultra' } })
      .catch((e: unknown) => e);
    expect(UnprocessableEntityError.isInstance(error)).toBe(true);
    expect(upstream.requests.length).toBe(before);
  });
});

// Prism reads a form's fields by their exact names and does not know the `image[]` convention OpenAI's own SDK and
// curl examples use for several uploads; the spec's `image` is "an array of binary". So a form of several images
// is checked here against the same request schema, with ajv, after reading `image[]` as `image`.
describe('a multipart edit of several images matches the spec once `image[]` is read as `image`', () => {
  it('passes the multipart request schema', async () => {
    const doc = parse(readFileSync(SPEC, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, coerceTypes: true });
    const validate = ajv.compile({
      ...doc,
      $ref: '#/paths/~1images~1edits/post/requestBody/content/multipart~1form-data/schema',
    });
    const seen = upstream.requests.length;
    const local = await startTestServer((_req, res) => sendJson(res, 200, openAIBody(1)));
    const direct = createPictorClient({ provider: 'custom', dialect: 'openai', baseURL: local.url, apiKey: 'k' });
    try {
      await direct.edit({
        model: 'gpt-image-1.5',
        prompt: 'p',
        images: [PNG, MASK, PNG],
        mask: MASK,
        quality: 'low',
        partialImages: 1,
      });
      const req = local.requests[0]!;
      const form = await new Request('http://form.invalid/', {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']) },
        body: req.bytes,
      }).formData();
      const body: Record<string, unknown> = {};
      for (const [name, value] of form) {
        const field = name.replace(/\[\]$/, '');
        const entry = value instanceof Blob ? `binary:${value.type}` : value;
        if (name.endsWith('[]')) body[field] = [...((body[field] as unknown[]) ?? []), entry];
        else body[field] = entry;
      }
      expect(body.image).toEqual(['binary:image/png', 'binary:image/png', 'binary:image/png']);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
      // …and the schema is a real check: a value it forbids fails it.
      expect(validate({ ...body, quality: 'ultra' })).toBe(false);
    } finally {
      await direct.close();
      await local.close();
    }
    expect(upstream.requests.length).toBe(seen);
  });
});
