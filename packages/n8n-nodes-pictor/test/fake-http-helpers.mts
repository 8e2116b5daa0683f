import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IHttpRequestOptions } from 'n8n-workflow';

/**
 * The bytes axios 1.x (n8n's HTTP client) sends for a body: a string or Buffer as it is, any other typed array as
 * its whole underlying ArrayBuffer — what a view into a larger buffer would really put on the wire.
 */
function axiosBody(body: IHttpRequestOptions['body']): string | Buffer | undefined {
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer);
  throw new Error('the node sends only strings and bytes');
}

/**
 * n8n's `httpRequest` helper as the node uses it (unit tests only; the e2e suite runs the real one in n8n), per
 * what n8n 2.41 does: `returnFullResponse` gives `{ body, headers, statusCode, statusMessage }`, `encoding:
 * 'stream'` a readable body, `ignoreHttpStatusErrors` answers instead of throwing, `timeout` is a socket idle
 * timeout failing with axios's `ECONNABORTED`, redirects are not followed.
 */
function fakeHttpRequest(options: IHttpRequestOptions, signal: AbortSignal | undefined) {
  return new Promise<{
    body: IncomingMessage;
    headers: IncomingMessage['headers'];
    statusCode: number;
    statusMessage: string;
  }>((resolve, reject) => {
    const url = new URL(options.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers as Record<string, string>,
        signal,
        timeout: options.timeout,
      },
      (res) =>
        resolve({
          body: res,
          headers: res.headers,
          statusCode: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
        }),
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`timeout of ${options.timeout}ms exceeded`), { code: 'ECONNABORTED' })),
    );
    req.on('error', reject);
    req.end(axiosBody(options.body));
  });
}

/**
 * The two HTTP helpers of an n8n execute context: `httpRequestWithAuthentication` adds the credential's bearer
 * header (its generic auth) and runs with the execution's cancel signal, as n8n does; `httpRequest` adds nothing.
 */
export function fakeHttpHelpers(apiKey: string, executionSignal: AbortSignal | undefined) {
  return {
    httpRequest: (request: IHttpRequestOptions) =>
      fakeHttpRequest(request, request.abortSignal as AbortSignal | undefined),
    httpRequestWithAuthentication: (_type: string, request: IHttpRequestOptions) =>
      fakeHttpRequest(
        { ...request, headers: { ...request.headers, Authorization: `Bearer ${apiKey}` } },
        executionSignal,
      ),
  };
}
