import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIBody, togetherBody } from '../__fixtures__/images-response.js';
import { makePng } from '../__fixtures__/make-png.js';
import { startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { createPictorClient } from '../client/node-client.js';
import type { PictorClient } from '../client/client.js';
import { PictorError } from '../errors/index.js';

/** What the loopback server answers next: status, headers, and the body cut into chunks. */
interface Answer {
  label: string;
  status: number;
  headers: Record<string, string>;
  chunks: Buffer[];
  /** Destroy the socket after the chunks instead of ending the response. */
  destroy?: boolean;
}

let server: TestServer;
let answer: Answer;
/** Answers to `GET /files/…` (image URLs in the body point here). */
let fileAnswer: Answer;
const clients: PictorClient[] = [];
let together: PictorClient;
let openai: PictorClient;

async function send(res: ServerResponse, a: Answer): Promise<void> {
  res.writeHead(a.status, a.headers);
  for (const chunk of a.chunks) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  if (a.destroy) res.destroy();
  else res.end();
}

beforeAll(async () => {
  server = await startTestServer((req, res) => send(res, req.url.startsWith('/files/') ? fileAnswer : answer));
  const common = {
    apiKey: 'sk-bodies-0000',
    maxRetries: 1,
    retryDelay: { initialMs: 1, maxMs: 2 },
    timeoutMs: 5_000,
  } as const;
  together = createPictorClient({
    ...common,
    provider: 'custom',
    dialect: 'together',
    baseURL: `${server.url}/v1`,
    model: 'm',
  });
  openai = createPictorClient({
    ...common,
    provider: 'custom',
    dialect: 'openai',
    baseURL: `${server.url}/v1`,
    model: 'dall-e-2',
  });
  clients.push(together, openai);
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await server.close();
});

/** Cuts `bytes` at the given offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out.filter((c) => c.length > 0);
}

const json = { 'content-type': 'application/json' };
const offsets = fc.array(fc.nat(), { maxLength: 6 });
const status2xx = fc.constantFrom(200, 200, 200, 201, 203);

/** A body and how it is sent, from bytes. */
const answerOf = (
  label: string,
  status: fc.Arbitrary<number>,
  body: fc.Arbitrary<Buffer>,
  headers = fc.constant<Record<string, string>>(json),
) =>
  fc
    .record({ status, headers, body, offsets, destroy: fc.boolean() })
    .map(({ status: s, headers: h, body: b, offsets: o, destroy }): Answer => ({
      label,
      status: s,
      headers: destroy ? h : { ...h, 'content-length': String(b.length) },
      chunks: cut(b, o),
      destroy,
    }));

const validTogether = Buffer.from(JSON.stringify(togetherBody(1)));
const validOpenAI = Buffer.from(JSON.stringify(openAIBody(1)));

/** A success body whose image item is replaced by `item`. */
const withItem = (item: unknown) =>
  Buffer.from(JSON.stringify({ id: 'x', model: 'm', object: 'list', created: 1, data: [item] }));

const base64ish = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_*! \n\\'.split('')),
  maxLength: 200,
});

const answers: fc.Arbitrary<Answer> = fc.oneof(
  answerOf(
    'random bytes',
    status2xx,
    fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
  ),
  answerOf(
    'random JSON',
    status2xx,
    fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  ),
  answerOf(
    'random JSON with a data array',
    status2xx,
    fc
      .array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 })
      .map((data) => Buffer.from(JSON.stringify({ id: 'x', model: 'm', object: 'list', created: 1, data }))),
  ),
  answerOf(
    'truncated valid body',
    status2xx,
    fc.tuple(fc.boolean(), fc.nat()).map(([t, n]) => {
      const body = t ? validTogether : validOpenAI;
      return body.subarray(0, n % body.length);
    }),
  ),
  answerOf(
    'valid body with one byte changed',
    status2xx,
    fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([t, at, byte]) => {
      const body = Buffer.from(t ? validTogether : validOpenAI);
      body[at % body.length] = byte;
      return body;
    }),
  ),
  answerOf(
    'bad base64',
    status2xx,
    base64ish.map((b64) => withItem({ index: 0, type: 'b64_json', b64_json: b64 })),
  ),
  answerOf(
    'base64 of bytes that are not an image',
    status2xx,
    fc
      .uint8Array({ maxLength: 600 })
      .map((b) => withItem({ index: 0, type: 'b64_json', b64_json: Buffer.from(b).toString('base64') })),
  ),
  answerOf(
    'truncated image',
    status2xx,
    fc.nat().map((n) => {
      const png = makePng(8, 8);
      return withItem({ index: 0, b64_json: png.subarray(0, n % png.length).toString('base64') });
    }),
  ),
  answerOf(
    'odd item values',
    status2xx,
    fc
      .record(
        {
          b64_json: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
          url: fc.oneof(
            fc.jsonValue({ maxDepth: 1 }),
            fc.constantFrom('file:///etc/passwd', 'ftp://x/y.png', 'not a url', '', 'http://', 'javascript:alert(1)'),
          ),
        },
        { requiredKeys: [] },
      )
      .map(withItem),
  ),
  answerOf(
    'deep nesting',
    status2xx,
    fc
      .integer({ min: 1, max: 5_000 })
      .map((depth) => Buffer.from(`{"data":${'['.repeat(depth)}${']'.repeat(depth % 3 === 0 ? depth : 0)}}`)),
  ),
  answerOf(
    'error status, random body',
    fc.integer({ min: 300, max: 599 }),
    fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
      fc
        .record(
          {
            error: fc.oneof(
              fc.jsonValue({ maxDepth: 2 }),
              fc.record(
                {
                  message: fc.jsonValue({ maxDepth: 1 }),
                  type: fc.jsonValue({ maxDepth: 1 }),
                  code: fc.jsonValue({ maxDepth: 1 }),
                  param: fc.jsonValue({ maxDepth: 1 }),
                },
                { requiredKeys: [] },
              ),
            ),
          },
          { requiredKeys: [] },
        )
        .map((v) => Buffer.from(JSON.stringify(v))),
    ),
    fc.record(
      {
        'content-type': fc.constantFrom('application/json', 'text/html', 'text/plain'),
        'retry-after': fc.constantFrom('0', '-1', 'soon', '1e309', 'Wed, 21 Oct 2015 07:28:00 GMT', ''),
        'x-should-retry': fc.constantFrom('true', 'false', 'maybe'),
      },
      { requiredKeys: ['content-type'] },
    ),
  ),
);

/** Image URL answers: random bytes, wrong types, error statuses, redirects anywhere. */
const fileAnswers: fc.Arbitrary<Answer> = fc.oneof(
  answerOf(
    'file: random bytes',
    status2xx,
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
    fc.record({
      'content-type': fc.constantFrom(
        'image/png',
        'text/html',
        'application/octet-stream',
        'image/png; charset=binary',
        ';;',
      ),
    }),
  ),
  answerOf(
    'file: a PNG',
    status2xx,
    fc.constant(makePng(4, 4)),
    fc.record({ 'content-type': fc.constantFrom('image/png', 'image/jpeg', 'text/plain') }),
  ),
  answerOf(
    'file: error',
    fc.integer({ min: 400, max: 599 }),
    fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
  ),
  fc
    .constantFrom('file:///etc/passwd', 'ftp://x/y', '/files/loop', 'http://[::1', '//example.invalid/x')
    .map((location): Answer => ({
      label: 'file: redirect',
      status: 302,
      headers: { location, 'content-length': '0' },
      chunks: [],
    })),
);

async function outcome(client: PictorClient, responseFormat: 'base64' | 'url'): Promise<unknown> {
  try {
    const result = await client.generate({ prompt: 'x', responseFormat });
    for (const failure of result.failures) expect(PictorError.isInstance(failure.error)).toBe(true);
    for (const image of result.images) expect(image.bytes.length).toBeGreaterThan(0);
    return result;
  } catch (error) {
    return error;
  }
}

describe('arbitrary and malformed response bodies only ever raise typed errors (property, loopback HTTP)', () => {
  it('images route: random bytes, random JSON, truncated or damaged bodies, bad base64, odd statuses — both dialects', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(answers, fc.boolean(), async (a, useOpenAI) => {
        answer = a;
        const got = await outcome(useOpenAI ? openai : together, 'base64');
        seen.set(a.label, (seen.get(a.label) ?? 0) + 1);
        if (got instanceof Error || !(typeof got === 'object' && got !== null && 'images' in got)) {
          expect(PictorError.isInstance(got), `${a.label}: ${String(got)}`).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
    expect(seen.size).toBeGreaterThanOrEqual(10);
  });

  it('image URLs: whatever the file server answers, only typed failures', async () => {
    await fc.assert(
      fc.asyncProperty(fileAnswers, fc.boolean(), async (f, useOpenAI) => {
        fileAnswer = f;
        const url = `${server.url}/files/image.png?sig=x`;
        const body = useOpenAI
          ? { created: 1, data: [{ url }] }
          : { id: 'x', model: 'm', object: 'list', data: [{ index: 0, type: 'url', url }] };
        const text = Buffer.from(JSON.stringify(body));
        answer = {
          label: 'url body',
          status: 200,
          headers: { ...json, 'content-length': String(text.length) },
          chunks: [text],
        };
        const got = await outcome(useOpenAI ? openai : together, 'url');
        if (got instanceof Error || !(typeof got === 'object' && got !== null && 'images' in got)) {
          expect(PictorError.isInstance(got), `${f.label}: ${String(got)}`).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('after all that, close() leaves no connection open (every body was consumed or destroyed)', async () => {
    expect(server.connections).toBeGreaterThan(0);
    for (const client of clients) await client.close();
    await expect.poll(() => server.openSockets(), { timeout: 5_000 }).toBe(0);
  });
});
