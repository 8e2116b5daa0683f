import type { Dispatcher } from 'undici';
import { ValidationError } from '../errors/index.js';
import type { ResolveHost, Transport } from '../http/transport.js';
import { createUndiciTransport } from '../http/undici-transport.js';
import { openClient, type PictorClient } from './client.js';
import { resolveClientOptions, type PictorClientOptions } from './client-options.js';
import { dnsResolveHost } from './dns-resolve-host.js';
import { nodeReadFile } from './node-read-file.js';
import { timerSleep } from './timer-sleep.js';

/** Options of `createPictorClient` on Node: the shared options, and optionally how to send. */
export interface NodeClientOptions extends PictorClientOptions {
  /** A transport of your own (not closed by `close()`); default: undici, with a keep-alive pool of the client's own. */
  transport?: Transport;
  /** An undici dispatcher for the default transport to send through (not closed by `close()`). */
  dispatcher?: Dispatcher;
  /**
   * How host names are resolved: for the check that image downloads go to public addresses only, and for the
   * default transport's connections (which then connect to the addresses checked). Default: Node's `dns.lookup`.
   */
  resolveHost?: ResolveHost;
}

/**
 * Creates a client for one provider. By default it sends through undici: one long-lived Agent per client,
 * with header and body timeouts above undici's 5-minute defaults (slow image models take minutes); the
 * per-attempt limit is `timeoutMs`.
 *
 * ```ts
 * const client = createPictorClient({ provider: 'together', apiKey: process.env.TOGETHER_API_KEY });
 * const result = await client.generate({ prompt: 'a lighthouse at dusk', n: 4, aspectRatio: '16:9' });
 * await saveImages(result, './images');
 * await client.close();
 * ```
 */
export function createPictorClient(options: NodeClientOptions = {}): PictorClient {
  const { transport, dispatcher, resolveHost = dnsResolveHost, ...rest } = options;
  const opts = resolveClientOptions(rest);
  if (transport !== undefined && typeof transport?.send !== 'function') {
    throw new ValidationError(
      [{ field: 'transport', message: 'must be a Transport (an object with send())' }],
      'client options',
    );
  }
  if (dispatcher !== undefined && typeof (dispatcher as { request?: unknown } | null)?.request !== 'function') {
    throw new ValidationError([{ field: 'dispatcher', message: 'must be an undici Dispatcher' }], 'client options');
  }
  if (typeof resolveHost !== 'function') {
    throw new ValidationError([{ field: 'resolveHost', message: 'must be a function' }], 'client options');
  }
  const runtime = {
    transport:
      transport ??
      createUndiciTransport({ dispatcher, connections: Math.max((opts.concurrency ?? 16) * 2, 8), resolveHost }),
    sleep: timerSleep,
    now: () => performance.now(),
    resolveHost,
    readFile: nodeReadFile,
  };
  // The client closes the transport it made; one you passed (or one over your dispatcher) stays open.
  return openClient(opts, runtime, transport === undefined && dispatcher === undefined);
}
