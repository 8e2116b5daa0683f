import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { createPictorClient } from '../client/node-client.js';
import type { PictorClient } from '../client/client.js';

// client.loopback.test.ts shows one contradiction (image/jpeg declared, PNG bytes). These cover the rest of the
// rule through client.generate: the bytes decide the type, a declared type that says the same thing in another
// spelling is no contradiction, and every real contradiction is a warning, never an error.

const PNG = makePng(6, 4);
// A minimal JPEG start: SOI, an APP0 marker, then a baseline SOF0 giving 5×3 (enough for a sniff and a size).
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffc0000b080003000501011100ffd9', 'hex');

let server: TestServer;
let client: PictorClient;
/** What the next image URL answers: its content-type header (undefined: none) and bytes. */
let file: { type: string | undefined; bytes: Buffer };
/** What the next b64 answer carries. */
let inline: Buffer;

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    if (req.url.startsWith('/files/')) {
      res.writeHead(200, {
        ...(file.type === undefined ? {} : { 'content-type': file.type }),
        'content-length': file.bytes.length,
      });
      return res.end(file.bytes);
    }
    const body = JSON.parse(req.body) as { response_format?: string };
    const item =
      body.response_format === 'url'
        ? { index: 0, type: 'url', url: `http://${req.headers.host}/files/image?sig=1` }
        : { index: 0, type: 'b64_json', b64_json: inline.toString('base64') };
    sendJson(res, 200, { id: 'x', model: 'm', object: 'list', data: [item] });
  });
  client = createPictorClient({
    provider: 'custom',
    dialect: 'together',
    baseURL: `${server.url}/v1`,
    apiKey: 'sk-mt-0000',
    model: 'm',
  });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

describe('a declared media type that contradicts the bytes is a warning (client.generate)', () => {
  it.each([
    ['image/png', PNG],
    ['IMAGE/PNG', PNG],
    ['Image/Png', PNG],
    ['image/png; charset=binary', PNG],
    ['image/png;q=1', PNG],
    ['application/octet-stream', PNG],
    [undefined, PNG],
    ['image/jpeg', JPEG],
  ])('declared %s for the same bytes: no warning', async (type, bytes) => {
    file = { type, bytes };
    const result = await client.generate({ prompt: 'x', responseFormat: 'url' });
    expect(result.images[0]!.mediaType).toBe(bytes === PNG ? 'image/png' : 'image/jpeg');
    expect(result.warnings.filter((w) => w.type === 'media-type-mismatch')).toEqual([]);
  });

  it.each([
    ['text/html', PNG, 'image/png'],
    ['image/webp', JPEG, 'image/jpeg'],
    ['image/gif; foo=bar', PNG, 'image/png'],
    ['application/json', JPEG, 'image/jpeg'],
  ])(
    'declared %s for other bytes: a warning naming both, and the image is kept under its real type',
    async (type, bytes, actual) => {
      file = { type, bytes };
      const result = await client.generate({ prompt: 'x', responseFormat: 'url' });
      expect(result.failures).toEqual([]);
      expect(result.images[0]).toMatchObject({ mediaType: actual });
      expect(result.warnings).toContainEqual({
        type: 'media-type-mismatch',
        index: 0,
        declared: type.split(';')[0]!.trim(),
        actual,
      });
    },
  );

  it('an inline image that is not the output format asked for is kept, with a warning', async () => {
    inline = PNG;
    const result = await client.generate({ prompt: 'x', outputFormat: 'jpeg' });
    expect(result.images[0]).toMatchObject({ mediaType: 'image/png', extension: 'png' });
    expect(result.warnings).toContainEqual({
      type: 'media-type-mismatch',
      index: 0,
      declared: 'image/jpeg',
      actual: 'image/png',
    });
    inline = JPEG;
    const same = await client.generate({ prompt: 'x', outputFormat: 'jpeg' });
    expect(same.warnings.filter((w) => w.type === 'media-type-mismatch')).toEqual([]);
  });
});
