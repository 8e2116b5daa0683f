import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FailingPromptProxy {
  /** Base URL to give the client instead of `target`. */
  url: string;
  /** Prompts answered with a 500 on every attempt; empty: forward everything. */
  failing: Set<string>;
  /** Prompts of every image generation request forwarded to the target, in order. */
  forwarded: string[];
  /** Prompts of every request answered with the injected 500. */
  refused: string[];
  close(): Promise<void>;
}

/**
 * Sits in front of a provider base URL (the sandbox's) and fails the generation requests of chosen prompts with a
 * 500 in Together's envelope, every time: a provider that keeps failing one prompt of a batch while serving the
 * others, whatever order and concurrency the batch runs them in.
 */
export async function startFailingPromptProxy(target: string): Promise<FailingPromptProxy> {
  const failing = new Set<string>();
  const forwarded: string[] = [];
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const path = (req.url ?? '/').replace(/^\/v1/, '');
        let prompt: string | undefined;
        if (path === '/images/generations') prompt = (JSON.parse(body.toString('utf8')) as { prompt?: string }).prompt;
        if (prompt !== undefined && failing.has(prompt)) {
          refused.push(prompt);
          const text = JSON.stringify({
            error: {
              message: 'The server had an error while processing your request.',
              type: 'server_error',
              param: null,
              code: null,
            },
          });
          res.writeHead(500, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
            'x-request-id': `proxy-${refused.length}`,
          });
          res.end(text);
          return;
        }
        if (prompt !== undefined) forwarded.push(prompt);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
            headers[name] = value;
        }
        const answer = await fetch(`${target}${path}`, {
          method: req.method,
          headers,
          ...(req.method === 'GET' ? {} : { body }),
        });
        const bytes = Buffer.from(await answer.arrayBuffer());
        const out: Record<string, string> = { 'content-length': String(bytes.length) };
        answer.headers.forEach((value, name) => {
          if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name))
            out[name] = value;
        });
        res.writeHead(answer.status, out);
        res.end(bytes);
      })().catch((error: unknown) => {
        res.destroy(error as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    failing,
    forwarded,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
