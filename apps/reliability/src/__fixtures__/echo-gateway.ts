import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Ways the echo gateway gives a request's key back; each is a path segment before `/v1`. */
export const ECHOES = {
  json: 'in a JSON error envelope (message, type, code, param)',
  plain: 'as a plain-text error body',
  escaped: 'JSON-escaped, "/" as "\\/" (PHP\'s json_encode)',
  unicode: 'JSON-escaped, every character as \\uXXXX',
  header: 'in response headers of a 500',
  retry: 'in every retried 503',
  body: 'as the image data of a 200',
  malformed: 'inside a malformed 200 body',
} as const;

export type Echo = keyof typeof ECHOES;

export interface EchoGateway {
  /** Base URL for one way of echoing, e.g. `http://127.0.0.1:1234/escaped/v1`. */
  url(echo: Echo): string;
  close(): Promise<void>;
}

/**
 * A provider that gives the caller's bearer key back in its answers, in every way a real gateway might: a
 * key-hygiene test points a front door at it and checks the key shows up nowhere.
 */
export async function startEchoGateway(): Promise<EchoGateway> {
  const server = createServer((req, res) => {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const echo = (req.url ?? '').split('/')[1] as Echo;
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...headers,
      });
      res.end(body);
    };
    req.resume();
    req.on('end', () => {
      switch (echo) {
        case 'json':
          return send(
            401,
            JSON.stringify({
              error: { message: `Incorrect API key provided: ${key}`, type: key, code: key, param: key },
            }),
          );
        case 'plain':
          return send(401, `Unauthorized key ${key}\n`, { 'content-type': 'text/plain' });
        case 'escaped':
          return send(
            401,
            `{"error":{"message":"Incorrect API key provided: ${key.replace(/\//g, '\\/')}","code":"invalid_api_key"}}`,
          );
        case 'unicode': {
          const escaped = [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
          return send(401, `{"error":{"message":"bad key ${escaped}"}}`);
        }
        case 'header':
          return send(500, '{"error":{"message":"upstream failed"}}', {
            'x-echo-authorization': `Bearer ${key}`,
            'www-authenticate': `Bearer error="invalid_token", token="${key}"`,
          });
        case 'retry':
          return send(503, JSON.stringify({ error: { message: `overloaded for ${key}` } }));
        case 'body':
          return send(
            200,
            `{"id":"x","model":"m","object":"list","created":1,"data":[{"index":0,"b64_json":"${key}"}]}`,
          );
        case 'malformed':
          return send(
            200,
            `{"id":"${key}","model":"m","object":"list","data":[{"index":0,"b64_json":"iVBORw0KGgo="}], "x": "\\q${key}"}`,
          );
        default:
          return send(404, '{"error":{"message":"no such echo"}}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (echo) => `${origin}/${echo}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
