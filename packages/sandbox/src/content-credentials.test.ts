import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCbor, findC2paStore, parseBoxes } from './__fixtures__/c2pa.js';
import { dataUrl, solidPng } from './__fixtures__/colour.js';
import { postJson } from './__fixtures__/http.js';
import { parseSse } from './__fixtures__/sse.js';
import { encodeCbor } from './cbor-encode.js';
import { RenderCache } from './render-cache.js';
import { handleImageFile } from './routes/image-files.js';
import type { SandboxContext } from './sandbox-context.js';
import { createStats } from './sandbox-stats.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';
import { UrlStore } from './url-store.js';

const C2PA = { 'x-sandbox-content-credentials': 'c2pa' };
const FORMATS = ['png', 'jpeg', 'webp'] as const;

async function generate(
  sandbox: Sandbox,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  provider: 'openai' | 'r9s' = 'openai',
): Promise<Buffer> {
  const res = await postJson(
    `${sandbox.urls[provider]}/images/generations`,
    { model: 'gpt-image-1', prompt: 'a lighthouse', quality: 'low', seed: 7, ...body },
    headers,
  );
  expect(res.status, res.text).toBe(200);
  return Buffer.from(res.json.data[0].b64_json, 'base64');
}

function store(image: Buffer): Buffer {
  const found = findC2paStore(image);
  if ('missing' in found) throw new Error(`no C2PA store: ${found.missing}`);
  return found.store;
}

/** Digests, not the buffers: a deep comparison of megabytes blocks the loop for seconds on a busy machine. */
function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A digest of the decoded pixels. */
async function pixels(image: Buffer): Promise<string> {
  return digest(await sharp(image).raw().toBuffer());
}

describe('C2PA content credentials (off by default)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it.each(FORMATS)('puts a well-formed store in %s, keeping the pixels and the bytes deterministic', async (format) => {
    const plain = await generate(sandbox, { output_format: format });
    const credentialed = await generate(sandbox, { output_format: format }, C2PA);
    expect(findC2paStore(plain)).toHaveProperty('missing');
    const found = store(credentialed);
    // PNG: length, type, CRC; JPEG: marker, length, CI, En, Z; WebP: id, size, a pad byte after an odd store.
    const framing = { png: 12, jpeg: 12, webp: 8 + (found.length % 2) }[format];
    expect(credentialed.length).toBe(plain.length + found.length + framing);
    expect(await pixels(credentialed)).toBe(await pixels(plain));
    expect(digest(await generate(sandbox, { output_format: format }, C2PA))).toBe(digest(credentialed));

    const [top, ...rest] = parseBoxes(found);
    expect(rest).toEqual([]);
    expect(top).toMatchObject({ type: 'jumb', kind: 'c2pa', label: 'c2pa' });
    const [manifest] = top!.children;
    expect(manifest).toMatchObject({ kind: 'c2ma', label: expect.stringMatching(/^urn:c2pa:[0-9a-f-]{36}$/) });
    const [assertions, claimBox] = manifest!.children;
    expect(assertions).toMatchObject({ kind: 'c2as', label: 'c2pa.assertions' });
    expect(claimBox).toMatchObject({ kind: 'c2cl', label: 'c2pa.claim.v2' });
    const actions = assertions!.children[0]!;
    expect(actions).toMatchObject({ kind: 'cbor', label: 'c2pa.actions.v2' });
    expect(decodeCbor(actions.children[0]!.payload)).toEqual({
      actions: [
        {
          action: 'c2pa.created',
          digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
        },
      ],
    });
    expect(claimBox!.children[0]!.type).toBe('cbor');
    const claim = decodeCbor(claimBox!.children[0]!.payload) as Record<string, unknown>;
    expect(claim).toEqual({
      instanceID: `xmp:iid:${manifest!.label!.slice('urn:c2pa:'.length)}`,
      claim_generator_info: { name: 'pictor-sandbox' },
      signature: 'self#jumbf=c2pa.signature',
      // c2pa-rs hashes an assertion's superbox without its 8-byte header: that is the parsed payload.
      created_assertions: [
        {
          url: 'self#jumbf=c2pa.assertions/c2pa.actions.v2',
          hash: createHash('sha256').update(actions.payload).digest(),
        },
      ],
      alg: 'sha256',
    });
  });

  it('gives different images different manifest identifiers', async () => {
    const label = (image: Buffer): string | undefined => parseBoxes(store(image))[0]!.children[0]!.label;
    const a = await generate(sandbox, { prompt: 'one' }, C2PA);
    const b = await generate(sandbox, { prompt: 'two' }, C2PA);
    expect(label(a)).not.toBe(label(b));
  });

  it('keeps a transparent WebP (extended format) decodable with its alpha', async () => {
    const body = { output_format: 'webp', background: 'transparent' };
    const credentialed = await generate(sandbox, body, C2PA);
    store(credentialed);
    expect((await sharp(credentialed).metadata()).hasAlpha).toBe(true);
    expect(await pixels(credentialed)).toBe(await pixels(await generate(sandbox, body)));
  });

  it('credentials only the OpenAI stand-in GPT image models, as only they carry C2PA at OpenAI', async () => {
    const dalle = await generate(sandbox, { model: 'dall-e-3', quality: undefined, response_format: 'b64_json' }, C2PA);
    expect(findC2paStore(dalle)).toHaveProperty('missing');
    const relayed = await generate(sandbox, {}, C2PA, 'r9s');
    expect(findC2paStore(relayed)).toHaveProperty('missing');
  });

  it('refuses an unknown header value, naming the header', async () => {
    const res = await postJson(
      `${sandbox.urls.openai}/images/generations`,
      { model: 'gpt-image-1', prompt: 'p', quality: 'low' },
      { 'x-sandbox-content-credentials': 'yes' },
    );
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 'invalid_sandbox_content_credentials',
      message: expect.stringContaining('x-sandbox-content-credentials'),
    });
  });

  it('credentials the completed event of a stream, the same bytes as without streaming', async () => {
    const res = await postJson(
      `${sandbox.urls.openai}/images/generations`,
      { model: 'gpt-image-1', prompt: 'a lighthouse', quality: 'low', seed: 7, stream: true, partial_images: 1 },
      C2PA,
    );
    expect(res.status).toBe(200);
    const [partial, completed] = parseSse(res.text);
    expect(partial!.event).toBe('image_generation.partial_image');
    await sharp(Buffer.from(String(partial!.data.b64_json), 'base64'))
      .raw()
      .toBuffer();
    const streamed = Buffer.from(String(completed!.data.b64_json), 'base64');
    store(streamed);
    expect(digest(streamed)).toBe(digest(await generate(sandbox, {}, C2PA)));
  });

  it('credentials edits of the GPT image models', async () => {
    const input = dataUrl(await solidPng(64, 64, '#3366cc'));
    const res = await postJson(
      `${sandbox.urls.openai}/images/edits`,
      { model: 'gpt-image-1.5', prompt: 'p', images: [{ image_url: input }], output_format: 'jpeg' },
      C2PA,
    );
    expect(res.status, res.text).toBe(200);
    store(Buffer.from(res.json.data[0].b64_json, 'base64'));
  });

  it('hands the official openai SDK the credentialed bytes unchanged', async () => {
    const client = new OpenAI({ baseURL: sandbox.urls.openai, apiKey: 'sk-test', maxRetries: 0 });
    const params = { model: 'gpt-image-1', prompt: 'a lighthouse', quality: 'low', seed: 7, output_format: 'webp' };
    const response = await client.images.generate(params as OpenAI.ImageGenerateParamsNonStreaming, { headers: C2PA });
    const bytes = Buffer.from(response.data![0]!.b64_json!, 'base64');
    store(bytes);
    expect(digest(bytes)).toBe(digest(await generate(sandbox, { output_format: 'webp' }, C2PA)));
  });
});

describe('the contentCredentials option', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ contentCredentials: true });
  });
  afterAll(() => sandbox.close());

  it('credentials every GPT image model image; x-sandbox-content-credentials: none turns it off', async () => {
    store(await generate(sandbox, {}));
    expect(findC2paStore(await generate(sandbox, {}, { 'x-sandbox-content-credentials': 'none' }))).toHaveProperty(
      'missing',
    );
  });
});

// GPT image models answer with base64 only, so no request reaches this path; the file route still honours the flag.
describe('image URLs with content credentials', () => {
  let server: Server;
  let origin: string;
  const urls = new UrlStore(60_000);
  beforeAll(async () => {
    const context = { urls, cache: new RenderCache(1 << 24), stats: createStats() } as unknown as SandboxContext;
    server = createServer((req, res) => {
      void handleImageFile(context, req, res, new URL(req.url!, 'http://127.0.0.1'), 'req_test');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the rendered picture with its store, and without it when not asked', async () => {
    const spec = { prompt: 'p', seed: 1, index: 0, width: 64, height: 64, format: 'png' as const };
    const fetchBytes = async (path: string): Promise<Buffer> =>
      Buffer.from(await (await fetch(`${origin}${path}`)).arrayBuffer());
    const credentialed = await fetchBytes(urls.issue({ spec, contentCredentials: true }).path);
    const plain = await fetchBytes(urls.issue({ spec }).path);
    store(credentialed);
    expect(findC2paStore(plain)).toHaveProperty('missing');
    expect(await pixels(credentialed)).toBe(await pixels(plain));
  });
});

describe('encodeCbor', () => {
  // RFC 8949 Appendix A.
  it.each([
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    ['IETF', '6449455446'],
    ['ü', '62c3bc'],
    [Buffer.from('01020304', 'hex'), '4401020304'],
    [['a', { b: 'c' }], '826161a161626163'],
    [{ b: [2, 3], a: 1 }, 'a26161016162820203'],
  ])('encodes %j as %s', (value, hex) => {
    expect(encodeCbor(value).toString('hex')).toBe(hex);
  });

  it('refuses numbers it cannot encode', () => {
    expect(() => encodeCbor(-1)).toThrow(RangeError);
    expect(() => encodeCbor(1.5)).toThrow(RangeError);
  });
});
