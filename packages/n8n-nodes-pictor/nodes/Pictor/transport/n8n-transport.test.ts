import type { IExecuteFunctions } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../../../test/capture-server.mjs';
import { fakeHttpHelpers } from '../../../test/fake-http-helpers.mjs';
import { n8nTransport } from './n8n-transport';

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer(() => ({}));
});
afterAll(() => server.close());

describe('n8nTransport', () => {
  it("sends a byte body that is a view into a larger buffer as exactly those bytes, with core's content type", async () => {
    // Through the stand-in of n8n's helpers, which sends a non-Buffer typed array as axios does: its whole buffer.
    const context = { helpers: fakeHttpHelpers('key', undefined) } as unknown as IExecuteFunctions;
    const whole = new TextEncoder().encode('garbage before|--b0undary\r\nthe multipart body\r\n--b0undary--|after');
    const body = whole.subarray(15, whole.length - 6);
    const contentType = 'multipart/form-data; boundary=b0undary';

    const response = await n8nTransport(context).send({
      method: 'POST',
      url: `${server.origin}/v1/images/edits`,
      headers: { 'content-type': contentType, authorization: 'Bearer from-core' },
      body,
      timeoutMs: 5_000,
      purpose: 'api',
    });
    await response.body.discard();

    expect(response.status).toBe(200);
    const [received] = server.received;
    expect(received?.body.toString()).toBe('--b0undary\r\nthe multipart body\r\n--b0undary--');
    expect(received?.headers['content-type']).toBe(contentType);
    expect(received?.headers['content-length']).toBe(String(body.byteLength));
    // The credential authenticates the call; core's own header is dropped.
    expect(received?.headers.authorization).toBe('Bearer key');
  });
});
