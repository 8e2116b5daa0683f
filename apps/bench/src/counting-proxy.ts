import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Per-call latency the proxy asks the sandbox for: uniform in [minMs, maxMs], from a seeded sequence. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
  seed: number;
}

/** What the proxy saw for one bearer token: every call it forwarded, by the status the sandbox answered. */
export interface TokenCounts {
  calls: number;
  byStatus: Record<string, number>;
}

export interface CountingProxy {
  /** Origin of the proxy, e.g. `http://127.0.0.1:40123`: the same paths as the sandbox behind it. */
  url: string;
  /** Counts by bearer token (each benchmark run uses a token of its own, so its calls are told apart). */
  counts(): Record<string, TokenCounts>;
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator, so every run asks for the same sequence of latencies. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A loopback proxy in front of the sandbox that counts every answer by token and status (the sandbox's own
 * counters are process-wide) and gives each images call its own latency through `x-sandbox-latency-ms`, since the
 * sandbox's `latencyMs` is one fixed figure and real image models vary. Headers pass through untouched both ways.
 */
export async function startCountingProxy(target: string, latency: LatencyRange): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const random = seeded(latency.seed);
  const counts: Record<string, TokenCounts> = {};

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const entry = (counts[token] ??= { calls: 0, byStatus: {} });
    entry.calls += 1;
    const headers: Record<string, string | string[] | undefined> = { ...req.headers };
    if (req.method === 'POST' && req.url?.endsWith('/images/generations'))
      headers['x-sandbox-latency-ms'] = String(Math.round(latency.minMs + random() * (latency.maxMs - latency.minMs)));
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        const status = String(answer.statusCode ?? 0);
        entry.byStatus[status] = (entry.byStatus[status] ?? 0) + 1;
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      entry.byStatus.error = (entry.byStatus.error ?? 0) + 1;
      res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  };

  const server = createServer({ keepAliveTimeout: 60_000 }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => structuredClone(counts),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
