import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body as sent (a multipart form's files are binary). */
  bytes: Buffer;
  /** Remote port: requests on one keep-alive connection share it. */
  remotePort: number;
  at: number;
}

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  /** Sockets ever opened by clients. */
  connections: number;
  /** Sockets still open now. */
  openSockets(): number;
  close(): Promise<void>;
}

/** A real loopback HTTP server for tests; the handler sees every request with its body read. */
export async function startTestServer(
  handler: (req: RecordedRequest, res: ServerResponse, count: number) => unknown,
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rec: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      bytes: Buffer.concat(chunks),
      remotePort: req.socket.remotePort ?? 0,
      at: Date.now(),
    };
    requests.push(rec);
    try {
      await handler(rec, res, requests.length);
    } catch (error) {
      res.destroy(error as Error);
    }
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
