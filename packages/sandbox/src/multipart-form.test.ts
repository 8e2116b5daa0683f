import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMultipartForm, type FormLimits } from './multipart-form.js';

// A node:http server that answers what readMultipartForm made of the body, with small limits.
const LIMITS: FormLimits = { fileBytes: 1000, totalBytes: 5000, files: 3, fields: 4, fieldBytes: 50 };

describe('readMultipartForm', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      readMultipartForm(req, LIMITS).then(
        (form) => {
          const body =
            'status' in form
              ? { status: form.status, param: form.param, message: form.message }
              : { fields: form.fields, files: form.files.map((f) => [f.field, f.bytes.length, f.mimeType]) };
          res.end(JSON.stringify(body));
        },
        () => res.destroy(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = async (build: (form: FormData) => void, headers: Record<string, string> = {}) => {
    const form = new FormData();
    build(form);
    const res = await fetch(url, { method: 'POST', body: form, headers });
    return (await res.json()) as Record<string, unknown>;
  };
  const file = (size: number) => new Blob([Buffer.alloc(size, 1)], { type: 'image/png' });

  it('reads fields and files', async () => {
    const out = await send((f) => {
      f.append('prompt', 'hello');
      f.append('image[]', file(10), 'a.png');
      f.append('image[]', file(20), 'b.png');
    });
    expect(out).toEqual({
      fields: { prompt: 'hello' },
      files: [
        ['image[]', 10, 'image/png'],
        ['image[]', 20, 'image/png'],
      ],
    });
  });

  it('answers 413 for a file or a body over its limit, 400 for too many files or a field too long', async () => {
    expect(await send((f) => f.append('mask', file(1001), 'm.png'))).toMatchObject({ status: 413, param: 'mask' });
    // The body passes its bound before the field ends: the bytes decide, not the field's length.
    expect(await send((f) => f.append('prompt', 'x'.repeat(6000)))).toMatchObject({ status: 413, param: null });
    expect(
      await send((f) => {
        for (let i = 0; i < 4; i++) f.append('image[]', file(5), `${i}.png`);
      }),
    ).toMatchObject({ status: 400, param: 'image' });
    expect(await send((f) => f.append('prompt', 'x'.repeat(51)))).toMatchObject({ status: 400, param: 'prompt' });
  });

  it('answers 400 for a body that is not a form', async () => {
    const res = await fetch(url, { method: 'POST', body: 'x', headers: { 'content-type': 'multipart/form-data' } });
    expect(await res.json()).toMatchObject({ status: 400 });
  });
});
