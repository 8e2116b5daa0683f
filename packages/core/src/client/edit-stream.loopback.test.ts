import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAIBody } from '../__fixtures__/images-response.js';
import { makePng } from '../__fixtures__/make-png.js';
import { sendJson, startTestServer, type RecordedRequest, type TestServer } from '../__fixtures__/test-server.js';
import { AbortError, BadRequestError, ResponseValidationError, ValidationError } from '../errors/index.js';
import { createFetchTransport } from '../http/fetch-transport.js';
import type { Transport } from '../http/transport.js';
import type { PictorClient } from './client.js';
import type { PartialImage } from './generate-images.js';
import { createPictorClient } from './node-client.js';

// Edits and streams over real loopback HTTP, through both transports core ships.

const KEY = 'sk-edit-SECRET-5150';
const INPUT = makePng(16, 16, 3);
const MASK = makePng(16, 16, 4);
const FINAL = makePng(16, 16, 7);
const open: Array<TestServer | PictorClient> = [];
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-edit-'));
});
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
  await rm(dir, { recursive: true, force: true });
});

async function server(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const s = await startTestServer(handler);
  open.push(s);
  return s;
}

let makeTransport: () => Transport | undefined = () => undefined;

function client(url: string): PictorClient {
  const transport = makeTransport();
  const c = createPictorClient({
    ...(transport ? { transport } : {}),
    provider: 'custom',
    dialect: 'openai',
    baseURL: `${url}/v1`,
    apiKey: KEY,
    model: 'gpt-image-1.5',
    retryDelay: { initialMs: 1, maxMs: 5 },
  });
  open.push(c);
  return c;
}

/** Reads a recorded multipart body the way a server framework would. */
async function formOf(req: RecordedRequest): Promise<FormData> {
  const headers = { 'content-type': String(req.headers['content-type']) };
  return new Request('http://form.invalid/', { method: 'POST', headers, body: req.bytes }).formData();
}

async function fileBytes(value: File | string | null): Promise<Buffer> {
  if (!(value instanceof Blob)) throw new Error('not a file');
  return Buffer.from(await value.arrayBuffer());
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function sse(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

const USAGE = { input_tokens: 3, output_tokens: 9, total_tokens: 12 };

describe.each([
  ['undici', () => undefined],
  ['fetch', () => createFetchTransport()],
] as Array<[string, () => Transport | undefined]>)('over %s', (_name, transport) => {
  beforeEach(() => {
    makeTransport = transport;
  });

  it('uploads input files and the mask as a multipart form, and describes the inputs by hash', async () => {
    const first = join(dir, 'first.png');
    await writeFile(first, INPUT);
    const s = await server((_req, res) => sendJson(res, 200, openAIBody(1, 16, 16)));
    const result = await client(s.url).edit({
      prompt: 'paint it red',
      images: [{ path: first }, { bytes: MASK, name: 'second.png' }],
      mask: MASK,
      size: '1024x1024',
      inputFidelity: 'high',
    });

    const req = s.requests[0]!;
    expect(req.url).toBe('/v1/images/edits');
    const form = await formOf(req);
    expect(form.get('model')).toBe('gpt-image-1.5');
    expect(form.get('prompt')).toBe('paint it red');
    expect(form.get('size')).toBe('1024x1024');
    expect(form.get('input_fidelity')).toBe('high');
    const images = form.getAll('image[]') as File[];
    expect(images.map((f) => [f.name, f.type])).toEqual([
      ['first.png', 'image/png'],
      ['second.png', 'image/png'],
    ]);
    expect((await fileBytes(images[0]!)).equals(INPUT)).toBe(true);
    expect((await fileBytes(form.get('mask'))).equals(MASK)).toBe(true);
    expect(String(req.headers.authorization)).toBe(`Bearer ${KEY}`);

    expect(result.operation).toBe('edit');
    expect(result.images).toHaveLength(1);
    expect(result.inputs).toEqual([
      { index: 0, mediaType: 'image/png', byteLength: INPUT.length, width: 16, height: 16, sha256: sha256(INPUT) },
      { index: 1, mediaType: 'image/png', byteLength: MASK.length, width: 16, height: 16, sha256: sha256(MASK) },
    ]);
    expect(result.mask?.sha256).toBe(sha256(MASK));
    expect(JSON.stringify(result.request)).not.toContain(INPUT.toString('base64').slice(0, 40));
  });

  it('refuses an unreadable input file by its field, and sends nothing', async () => {
    const s = await server((_req, res) => sendJson(res, 200, openAIBody(1)));
    const error = await client(s.url)
      .edit({ prompt: 'p', images: [INPUT, { path: join(dir, 'missing.png') }] })
      .catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues).toEqual([
      { field: 'images.1', message: `cannot be read: ${join(dir, 'missing.png')} does not exist` },
    ]);
    expect(s.requests).toHaveLength(0);
  });

  it('sends URL inputs as OpenAI JSON edit body', async () => {
    const s = await server((_req, res) => sendJson(res, 200, openAIBody(1)));
    await client(s.url).edit({ prompt: 'p', images: [{ url: 'https://img.example/a.png' }], moderation: 'low' });
    const req = s.requests[0]!;
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      model: 'gpt-image-1.5',
      prompt: 'p',
      images: [{ image_url: 'https://img.example/a.png' }],
      n: 1,
      moderation: 'low',
    });
  });

  it('sends the same form and idempotency key again when a multipart edit is retried', async () => {
    const s = await server((_req, res, count) =>
      count === 1
        ? sendJson(res, 503, { error: { message: 'busy', type: 'server_error' } })
        : sendJson(res, 200, openAIBody(1)),
    );
    await client(s.url).edit({ prompt: 'p', images: [INPUT] });
    expect(s.requests).toHaveLength(2);
    const [a, b] = s.requests as [RecordedRequest, RecordedRequest];
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.headers['idempotency-key']).toBe(b.headers['idempotency-key']);
  });

  it('delivers each partial image as it arrives, then resolves with the completed image and its usage', async () => {
    let seen!: () => void;
    const clientSawPartial = new Promise<void>((resolve) => (seen = resolve));
    const s = await server(async (_req, res) => {
      openStream(res);
      sse(res, 'image_generation.partial_image', {
        b64_json: makePng(16, 16, 1).toString('base64'),
        partial_image_index: 0,
      });
      // The completed image is held back until the client has shown the partial: a client that waited for the
      // whole stream before telling anyone would never get here.
      await clientSawPartial;
      sse(res, 'image_generation.completed', { b64_json: FINAL.toString('base64'), usage: USAGE });
      res.end();
    });
    const partials: PartialImage[] = [];
    const result = await client(s.url).generate(
      { prompt: 'p', partialImages: 1 },
      {
        onPartialImage: (partial) => {
          partials.push(partial);
          seen();
        },
      },
    );
    expect(JSON.parse(s.requests[0]!.body)).toMatchObject({ stream: true, partial_images: 1 });
    expect(s.requests[0]!.headers.accept).toMatch(/text\/event-stream/);
    expect(partials.map((p) => [p.index, p.partialIndex, p.mediaType])).toEqual([[0, 0, 'image/png']]);
    expect(Buffer.from(result.images[0]!.bytes).equals(FINAL)).toBe(true);
    expect(result.usage).toEqual(USAGE);
    expect(result.failures).toEqual([]);
  });

  it('streams an edit the same way', async () => {
    const s = await server((_req, res) => {
      openStream(res);
      sse(res, 'image_edit.partial_image', { b64_json: makePng(16, 16, 1).toString('base64'), partial_image_index: 0 });
      sse(res, 'image_edit.partial_image', { b64_json: makePng(16, 16, 2).toString('base64'), partial_image_index: 1 });
      sse(res, 'image_edit.completed', { b64_json: FINAL.toString('base64'), usage: USAGE });
      res.end();
    });
    const partials: number[] = [];
    const result = await client(s.url).edit(
      { prompt: 'p', images: [INPUT], stream: true, partialImages: 2 },
      { onPartialImage: (p) => partials.push(p.partialIndex) },
    );
    const form = await formOf(s.requests[0]!);
    expect([form.get('stream'), form.get('partial_images')]).toEqual(['true', '2']);
    expect(partials).toEqual([0, 1]);
    expect(result.images).toHaveLength(1);
  });

  it('stops the stream and frees the socket when cancelled after a partial image', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const s = await server((_req, res) => {
      res.on('close', closed);
      openStream(res);
      sse(res, 'image_generation.partial_image', {
        b64_json: makePng(16, 16, 1).toString('base64'),
        partial_image_index: 0,
      });
      // …and never completes.
    });
    const controller = new AbortController();
    const error = await client(s.url)
      .generate(
        { prompt: 'p', partialImages: 2 },
        { signal: controller.signal, onPartialImage: () => controller.abort() },
      )
      .catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
    await serverSawClose;
    expect(s.requests).toHaveLength(1);
  });

  it('turns an error event into the typed error, with the provider message, and does not retry it', async () => {
    const s = await server((_req, res) => {
      openStream(res);
      res.write(
        `event: error\ndata: ${JSON.stringify({ error: { type: 'invalid_request_error', code: 'moderation_blocked', message: 'Your request was rejected' } })}\n\n`,
      );
      res.end();
    });
    const error = await client(s.url)
      .generate({ prompt: 'p', stream: true })
      .catch((e: unknown) => e);
    expect(BadRequestError.isInstance(error)).toBe(true);
    expect((error as BadRequestError).message).toMatch(/Your request was rejected/);
    expect(s.requests).toHaveLength(1);
  });

  it('reads a JSON answer to a streaming request as usual', async () => {
    const s = await server((_req, res) => sendJson(res, 200, openAIBody(1, 16, 16)));
    let partials = 0;
    const result = await client(s.url).generate(
      { prompt: 'p', partialImages: 1 },
      { onPartialImage: () => partials++ },
    );
    expect(result.images).toHaveLength(1);
    expect(partials).toBe(0);
  });

  it('reports a completed event without valid base64 as a failed image', async () => {
    const s = await server((_req, res) => {
      openStream(res);
      sse(res, 'image_generation.completed', { b64_json: 'not*base64', usage: USAGE });
      res.end();
    });
    const error = await client(s.url)
      .generate({ prompt: 'p', stream: true })
      .catch((e: unknown) => e);
    expect(ResponseValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/A completed image event has no valid base64 image/);
  });
});
