import type { ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { downloadImage, type DownloadImageOptions } from './download-image.js';
import { createUndiciTransport } from '../http/undici-transport.js';
import type { Transport } from '../http/transport.js';
import { AbortError, DownloadError } from '../errors/index.js';

const PNG = makePng(4, 3);
const servers: TestServer[] = [];

async function serve(handler: (path: string, res: ServerResponse) => void | Promise<void>): Promise<TestServer> {
  const server = await startTestServer((req, res) => handler(req.url, res));
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * Runs `fn` with a fresh `Agent`, then closes it: `close()` resolves only once every request is finished and
 * every body consumed or destroyed, so a leaked connection fails the test here instead of hanging it.
 */
async function withAgent<T>(fn: (agent: Agent) => Promise<T>, server?: TestServer): Promise<T> {
  const agent = new Agent();
  try {
    return await fn(agent);
  } finally {
    let timer: NodeJS.Timeout | undefined;
    const leaked = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('agent.close() did not resolve: a response body was left open')), 3000);
    });
    await Promise.race([agent.close(), leaked]).finally(() => clearTimeout(timer));
    if (server) await expect.poll(() => server.openSockets(), { timeout: 2000 }).toBe(0);
  }
}

async function download(url: string, agent: Dispatcher, options: Partial<DownloadImageOptions> = {}) {
  // These tests serve images from loopback: the address check has tests of its own below.
  return downloadImage(url, {
    transport: createUndiciTransport({ dispatcher: agent }),
    allowPrivateAddresses: true,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the download to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
}

function sendPng(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
  res.end(PNG);
}

describe('downloadImage', () => {
  it('downloads the bytes, with the declared type and no Authorization header', async () => {
    const server = await serve((_path, res) => sendPng(res));
    const got = await withAgent((agent) => download(`${server.url}/img.png?X-Amz-Signature=abc`, agent), server);
    expect(got.bytes.equals(PNG)).toBe(true);
    expect(got.declaredType).toBe('image/png');
    expect(got.finalUrl).toBe(`${server.url}/img.png?X-Amz-Signature=abc`);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.url).toBe('/img.png?X-Amz-Signature=abc');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('reads a body sent without content-length, in pieces', async () => {
    const server = await serve(async (_path, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      for (let at = 0; at < PNG.length; at += 10) {
        res.write(PNG.subarray(at, at + 10));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      res.end();
    });
    const got = await withAgent((agent) => download(`${server.url}/img`, agent), server);
    expect(got.bytes.equals(PNG)).toBe(true);
  });

  it('follows a chain of redirects within the cap, across hosts and relative locations', async () => {
    const cdn = await serve((path, res) => {
      if (path === '/final.png') sendPng(res);
      else res.writeHead(404).end();
    });
    const origin = await serve((path, res) => {
      const next: Record<string, [number, string]> = {
        '/a': [301, '/b'],
        '/b': [303, 'c?sig=1'],
        '/c?sig=1': [308, `${cdn.url}/final.png`],
      };
      const hop = next[path];
      if (!hop) return void res.writeHead(500).end();
      res.writeHead(hop[0], { location: hop[1], 'content-type': 'text/html' });
      res.end('<html>moved</html>');
    });
    const got = await withAgent((agent) => download(`${origin.url}/a`, agent, { maxRedirects: 3 }), origin);
    expect(got.bytes.equals(PNG)).toBe(true);
    expect(got.finalUrl).toBe(`${cdn.url}/final.png`);
    expect(origin.requests.map((r) => r.url)).toEqual(['/a', '/b', '/c?sig=1']);
    expect([...origin.requests, ...cdn.requests].every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('gives up after maxRedirects redirects', async () => {
    const server = await serve((path, res) => {
      res.writeHead(302, { location: `/hop${Number(path.slice(4) || 0) + 1}` });
      res.end();
    });
    const error = await withAgent((agent) => failure(download(`${server.url}/hop0`, agent)), server);
    expect(error.reason).toBe('too-many-redirects');
    expect(server.requests).toHaveLength(4); // the first request and 3 redirects followed
    const none = await withAgent(
      (agent) => failure(download(`${server.url}/hop0`, agent, { maxRedirects: 0 })),
      server,
    );
    expect(none.reason).toBe('too-many-redirects');
  });

  it.each(['file:///etc/passwd', 'ftp://files.example.com/image.png', 'data:image/png;base64,iVBORw0KGgo='])(
    'refuses a redirect to %s',
    async (location) => {
      const server = await serve((_path, res) => {
        res.writeHead(307, { location });
        res.end();
      });
      const error = await withAgent((agent) => failure(download(`${server.url}/img`, agent)), server);
      expect(error.reason).toBe('protocol');
      expect(error.url).toBe(location);
      expect(server.requests).toHaveLength(1);
    },
  );

  it.each([
    'file:///etc/passwd',
    'ftp://files.example.com/image.png',
    'javascript:alert(1)',
    'not a url',
    '/relative.png',
  ])('refuses %s before sending any request', async (url) => {
    const transport: Transport = {
      send: () => {
        throw new Error('no request may be sent');
      },
    };
    const error = await failure(downloadImage(url, { transport }));
    expect(error.reason).toBe('protocol');
    expect(error.isRetryable).toBe(false);
  });

  it.each([
    [403, false],
    [410, false],
    [404, false],
    [503, true],
  ])('reports HTTP %i as a status failure (retryable: %s) and consumes its body', async (status, retryable) => {
    const server = await serve((_path, res) => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    });
    const error = await withAgent(
      (agent) => failure(download(`${server.url}/img.png?Signature=secret`, agent)),
      server,
    );
    expect(error).toMatchObject({ reason: 'status', status, isRetryable: retryable });
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).not.toContain('secret');
  });

  it('destroys a large error body instead of reading it all', async () => {
    const server = await serve((_path, res) => {
      res.writeHead(500, { 'content-length': 10 * 1024 * 1024 });
      res.write(Buffer.alloc(256 * 1024));
    });
    const error = await withAgent(
      (agent) => failure(download(`${server.url}/img`, agent, { timeoutMs: 5000 })),
      server,
    );
    expect(error).toMatchObject({ reason: 'status', status: 500 });
  });

  it('refuses a body whose content-length is over maxBytes without reading it', async () => {
    const server = await serve((_path, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': 50 * 1024 * 1024 });
      res.write(Buffer.alloc(64 * 1024));
    });
    const error = await withAgent((agent) => failure(download(`${server.url}/big`, agent, { maxBytes: 1024 })), server);
    expect(error.reason).toBe('too-large');
    expect(error.message).toMatch(/declares 52428800 bytes/);
  });

  it('accepts a body of exactly maxBytes', async () => {
    const server = await serve((_path, res) => sendPng(res));
    const got = await withAgent((agent) => download(`${server.url}/img`, agent, { maxBytes: PNG.length }), server);
    expect(got.bytes.length).toBe(PNG.length);
  });

  it('stops reading a body streamed past maxBytes', async () => {
    let written = 0;
    const server = await serve(async (_path, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      while (written < 20 * 1024 * 1024 && !res.destroyed) {
        const ok = res.write(Buffer.alloc(16 * 1024));
        written += 16 * 1024;
        if (!ok) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      res.end();
    });
    const error = await withAgent(
      (agent) => failure(download(`${server.url}/stream`, agent, { maxBytes: 100_000 })),
      server,
    );
    expect(error.reason).toBe('too-large');
    expect(error.message).toMatch(/kept streaming/);
    expect(written).toBeLessThan(20 * 1024 * 1024);
  });

  it('times out when the headers never come', async () => {
    const server = await serve(() => undefined);
    const error = await withAgent(
      (agent) => failure(download(`${server.url}/slow`, agent, { timeoutMs: 200 })),
      server,
    );
    expect(error).toMatchObject({ reason: 'timeout', isRetryable: true });
  });

  it('times out when the body stalls', async () => {
    const server = await serve((_path, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
      res.write(PNG.subarray(0, 10));
    });
    const error = await withAgent(
      (agent) => failure(download(`${server.url}/stall`, agent, { timeoutMs: 200 })),
      server,
    );
    expect(error).toMatchObject({ reason: 'timeout', isRetryable: true });
  });

  it('reports a socket destroyed mid-body as a network failure', async () => {
    const server = await serve((_path, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
      res.write(PNG.subarray(0, 10), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const error = await withAgent((agent) => failure(download(`${server.url}/reset`, agent)), server);
    expect(error).toMatchObject({ reason: 'network', isRetryable: true });
  });

  it('reports a refused connection as a network failure', async () => {
    const server = await serve(() => undefined);
    const url = `${server.url}/img`;
    await server.close();
    const error = await withAgent((agent) => failure(download(url, agent)));
    expect(error.reason).toBe('network');
  });

  it('raises AbortError when the caller aborts while waiting', async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await withAgent(
      (agent) => download(`${server.url}/slow`, agent, { signal: controller.signal }).catch((e: unknown) => e),
      server,
    );
    expect(error).toBeInstanceOf(AbortError);
  });

  it('raises AbortError when the caller aborts mid-body', async () => {
    const controller = new AbortController();
    const server = await serve((_path, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
      res.write(PNG.subarray(0, 10), () => setTimeout(() => controller.abort(), 20));
    });
    const error = await withAgent(
      (agent) => download(`${server.url}/slow`, agent, { signal: controller.signal }).catch((e: unknown) => e),
      server,
    );
    expect(error).toBeInstanceOf(AbortError);
  });

  it('sends nothing when the signal has already fired', async () => {
    const server = await serve((_path, res) => sendPng(res));
    const error = await withAgent((agent) =>
      download(`${server.url}/img`, agent, { signal: AbortSignal.abort() }).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(0);
  });
});
