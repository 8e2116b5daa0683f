import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The two answer shapes: Together's native one and the OpenAI-shaped one. */
export type Dialect = 'together' | 'openai';

export interface FixedServerOptions {
  /** The image every item of every answer carries. */
  image: Buffer;
  /**
   * A small image answered under `/warm/…` instead (same shapes, no latency), so a client can warm its code
   * paths before a memory measurement without the big answers' memory in its baseline.
   */
  warmImage?: Buffer;
  /** Delay before each answer, in ms (one delay per call, whatever its n). Default 0. */
  latencyMs?: number;
  /** Largest n one call may ask for, per dialect (Together: 4, OpenAI's gpt-image-1: 10). */
  maxPerCall?: Partial<Record<Dialect, number>>;
  /** Told of every images request as it arrives (before any latency). */
  onRequest?: (info: { dialect: Dialect; n: number; at: number }) => void;
}

export interface FixedServer {
  /** Base URL of each dialect, e.g. `http://127.0.0.1:1234/together/v1`. */
  urls: Record<Dialect, string>;
  /** The same, answering with the warm-up image. */
  warmUrls: Record<Dialect, string>;
  /** Images requests answered so far. */
  readonly requests: number;
  /** TCP connections accepted so far (keep-alive clients open few). */
  readonly connections: number;
  close(): Promise<void>;
}

const ROUTES: Record<string, { dialect: Dialect; warm: boolean }> = {
  '/together/v1/images/generations': { dialect: 'together', warm: false },
  '/openai/v1/images/generations': { dialect: 'openai', warm: false },
  '/warm/together/v1/images/generations': { dialect: 'together', warm: true },
  '/warm/openai/v1/images/generations': { dialect: 'openai', warm: true },
};

/** The answer a provider would send for `n` images, serialised once. */
function serialise(dialect: Dialect, n: number, b64: string): Buffer {
  const parts: string[] = [];
  for (let index = 0; index < n; index++) {
    parts.push(
      dialect === 'together' ? `{"index":${index},"b64_json":"${b64}","type":"b64_json"}` : `{"b64_json":"${b64}"}`,
    );
  }
  const head =
    dialect === 'together'
      ? '{"id":"bench-0000000000000000","model":"black-forest-labs/FLUX.1-schnell","object":"list","data":['
      : '{"created":1735000000,"data":[';
  const tail =
    dialect === 'together'
      ? ']}'
      : `],"usage":{"input_tokens":8,"output_tokens":${n * 272},"total_tokens":${8 + n * 272}}}`;
  return Buffer.from(head + parts.join(',') + tail, 'latin1');
}

function errorBody(message: string): Buffer {
  return Buffer.from(JSON.stringify({ error: { message, type: 'invalid_request_error' } }));
}

/**
 * A loopback images API that answers from buffers serialised once (the first request for a given dialect and
 * n serialises its body; every later one writes the same buffer), so what a benchmark measures is the client.
 * `POST /together/v1/images/generations` answers Together's shape, `POST /openai/v1/images/generations`
 * OpenAI's; a request for n images gets n items, up to the dialect's per-call maximum (400 above it).
 */
export async function startFixedServer(options: FixedServerOptions): Promise<FixedServer> {
  const b64 = options.image.toString('base64');
  const warmB64 = (options.warmImage ?? options.image).toString('base64');
  const latencyMs = options.latencyMs ?? 0;
  const maxPerCall: Record<Dialect, number> = { together: 4, openai: 10, ...options.maxPerCall };
  const answers = new Map<string, Buffer>();
  const answerFor = (dialect: Dialect, n: number, warm: boolean): Buffer => {
    const key = `${dialect}:${n}:${warm}`;
    let body = answers.get(key);
    if (!body) answers.set(key, (body = serialise(dialect, n, warm ? warmB64 : b64)));
    return body;
  };
  let requests = 0;

  const send = (res: ServerResponse, status: number, body: Buffer): void => {
    res.writeHead(status, [
      'content-type',
      'application/json',
      'content-length',
      String(body.length),
      'x-request-id',
      'req_bench',
    ]);
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer): void => {
    const route = ROUTES[req.url ?? ''];
    if (req.method !== 'POST' || !route) return send(res, 404, errorBody(`No route ${req.method} ${req.url}`));
    const { dialect, warm } = route;
    let n = 1;
    try {
      const body = JSON.parse(raw.toString('utf8')) as { n?: unknown };
      if (body.n !== undefined) n = Number(body.n);
    } catch {
      return send(res, 400, errorBody('The body is not JSON'));
    }
    if (!Number.isInteger(n) || n < 1 || n > maxPerCall[dialect]) {
      return send(res, 400, errorBody(`n must be between 1 and ${maxPerCall[dialect]}`));
    }
    const body = answerFor(dialect, n, warm);
    if (warm) return send(res, 200, body);
    requests += 1;
    options.onRequest?.({ dialect, n, at: performance.now() });
    if (latencyMs > 0) setTimeout(() => send(res, 200, body), latencyMs);
    else send(res, 200, body);
  };

  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
  });
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket) => {
    connections += 1;
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urls: { together: `${origin}/together/v1`, openai: `${origin}/openai/v1` },
    warmUrls: { together: `${origin}/warm/together/v1`, openai: `${origin}/warm/openai/v1` },
    get requests() {
      return requests;
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
