import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { DownloadError } from '../errors/index.js';
import { bytesBody, type Transport, type TransportRequest } from '../http/transport.js';
import { createUndiciTransport } from '../http/undici-transport.js';
import { downloadImage } from './download-image.js';
import { checkDownloadTarget, isInternalHost } from './download-target.js';

const PUBLIC = '93.184.216.34';

/** A resolver from a table; unknown names fail as DNS does. */
function resolver(table: Record<string, string[]>) {
  return async (host: string): Promise<string[]> => {
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
}

/** A transport that answers from a table by URL and records what it was asked; it never touches the network. */
function scripted(answers: Record<string, { status: number; headers?: Record<string, string>; body?: Uint8Array }>) {
  const sent: TransportRequest[] = [];
  const transport: Transport = {
    async send(request) {
      sent.push(request);
      const answer = answers[request.url];
      if (!answer) throw new Error(`unexpected request to ${request.url}`);
      return { status: answer.status, headers: answer.headers ?? {}, body: bytesBody(answer.body ?? new Uint8Array()) };
    },
  };
  return { transport, sent };
}

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(DownloadError.isInstance(error), String(error)).toBe(true);
  return error as DownloadError;
}

describe('checkDownloadTarget', () => {
  const policy = {
    allowPrivateAddresses: false,
    resolveHost: resolver({ 'cdn.example': [PUBLIC], 'rebind.example': [PUBLIC, '10.0.0.7'] }),
  };

  it('returns the checked addresses of a public name, to pin the connection to', async () => {
    expect(await checkDownloadTarget(new URL('https://cdn.example/a.png'), policy)).toEqual([PUBLIC]);
  });

  it.each([
    ['http://127.0.0.1:9/x', 'loopback'],
    ['http://[::ffff:a9fe:a9fe]/latest/meta-data', 'link-local'],
    ['http://2130706433/', 'loopback'],
    ['http://localhost:8080/x', 'loopback'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'internal'],
    ['http://rebind.example/x', '10.0.0.7'],
  ])('refuses %s, naming the host and why (%s), never the query', async (url, why) => {
    const error = await failure(checkDownloadTarget(new URL(`${url}?token=SECRET`), policy));
    expect(error.reason).toBe('private-address');
    expect(error.message).toContain(new URL(url).hostname);
    expect(error.message).toContain(why);
    expect(JSON.stringify(error.toJSON()) + error.message + error.url).not.toContain('SECRET');
  });

  it('lets everything through when private addresses are allowed, without resolving', async () => {
    const resolveHost = () => Promise.reject(new Error('must not resolve'));
    expect(
      await checkDownloadTarget(new URL('http://127.0.0.1/x'), { allowPrivateAddresses: true, resolveHost }),
    ).toBeUndefined();
  });

  it('without a resolver trusts a public-looking name but still refuses literals and internal names', async () => {
    expect(
      await checkDownloadTarget(new URL('https://cdn.example/a.png'), { allowPrivateAddresses: false }),
    ).toBeUndefined();
    await failure(checkDownloadTarget(new URL('http://10.0.0.1/a.png'), { allowPrivateAddresses: false }));
  });

  it('reports a name that does not resolve as a network failure', async () => {
    const error = await failure(checkDownloadTarget(new URL('https://nowhere.example/a.png'), policy));
    expect(error.reason).toBe('network');
  });

  it('treats loopback, private and internal base URLs as internal', () => {
    expect(['127.0.0.1', '[::1]', '10.2.3.4', 'localhost', 'gateway.internal'].map(isInternalHost)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['api.together.xyz', PUBLIC].map(isInternalHost)).toEqual([false, false]);
  });
});

describe('downloadImage and internal addresses', () => {
  const png = makePng(2, 2);

  it('re-checks a redirect target and sends nothing to an internal one', async () => {
    const { transport, sent } = scripted({
      'https://cdn.example/img.png': { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
    });
    const error = await failure(
      downloadImage('https://cdn.example/img.png', { transport, resolveHost: resolver({ 'cdn.example': [PUBLIC] }) }),
    );
    expect(error.reason).toBe('private-address');
    expect(error.message).toContain('169.254.169.254');
    expect(sent.map((r) => r.url)).toEqual(['https://cdn.example/img.png']);
    expect(sent[0]?.addresses).toEqual([PUBLIC]);
  });

  it('passes the checked addresses to the transport with the download', async () => {
    const { transport, sent } = scripted({ 'https://cdn.example/img.png': { status: 200, body: png } });
    const got = await downloadImage('https://cdn.example/img.png', {
      transport,
      resolveHost: resolver({ 'cdn.example': [PUBLIC] }),
    });
    expect(got.bytes.equals(png)).toBe(true);
    expect(sent[0]).toMatchObject({ purpose: 'download', addresses: [PUBLIC] });
  });

  it('removes the key and the query from what a failed download says (a key in the path)', async () => {
    const url = 'https://cdn.example/sk-secret-key-1234/img.png?sig=abc';
    const { transport } = scripted({ [url]: { status: 404 } });
    const error = await failure(
      downloadImage(url, {
        transport,
        resolveHost: resolver({ 'cdn.example': [PUBLIC] }),
        redact: (text) => text.split('sk-secret-key-1234').join('[redacted]'),
      }),
    );
    expect(error.reason).toBe('status');
    expect(error.url).toBe('https://cdn.example/[redacted]/img.png?…');
    const shown = `${error.message} ${error.url} ${JSON.stringify(error.toJSON())} ${String(error.stack)}`;
    expect(shown).not.toContain('sk-secret-key-1234');
    expect(shown).not.toContain('sig=abc');
  });
});

describe('the undici transport pins a download to the checked addresses (loopback)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('connects a pinned name to the addresses given, not to what the resolver says later', async () => {
    server = await startTestServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hello ${req.headers.host}`);
    });
    const port = new URL(server.url).port;
    const lookups: string[] = [];
    // The resolver would now send the name elsewhere (a rebinding DNS answer); the pin must win.
    const transport = createUndiciTransport({
      resolveHost: async (host) => {
        lookups.push(host);
        return host === 'api.example' ? ['127.0.0.1'] : ['192.0.2.1'];
      },
    });
    try {
      const download = await transport.send({
        method: 'GET',
        url: `http://images.example:${port}/a`,
        headers: {},
        timeoutMs: 5000,
        purpose: 'download',
        addresses: ['127.0.0.1'],
      });
      expect(new TextDecoder().decode(await download.body.bytes())).toBe(`hello images.example:${port}`);
      // A name without a pin goes through the resolver.
      const api = await transport.send({
        method: 'GET',
        url: `http://api.example:${port}/b`,
        headers: {},
        timeoutMs: 5000,
        purpose: 'api',
      });
      await api.body.discard();
      expect(api.status).toBe(200);
      expect(lookups).toEqual(['api.example']);
    } finally {
      await transport.close?.();
    }
  });
});
