import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface CapturedRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface CaptureServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Every request so far, oldest first. */
  received: CapturedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback server (127.0.0.1 only) that records each request with its raw body and answers with the JSON given,
 * so a test can read exactly what went on the wire (the sandbox checks requests but keeps no copy of them).
 */
export async function startCaptureServer(answer: () => unknown): Promise<CaptureServer> {
  const received: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
