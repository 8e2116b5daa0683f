import { createFetchTransport, type FetchTransportOptions } from '../http/fetch-transport.js';
import type { ResolveHost } from '../http/transport.js';
import { openClient, type PictorClient } from './client.js';
import { resolveClientOptions, type PictorClientOptions } from './client-options.js';
import { timerSleep } from './timer-sleep.js';

/** Options of `createPictorClient` from `@pictor/core/fetch`. */
export interface FetchClientOptions extends PictorClientOptions {
  /** The `fetch` to send through. Default: the global `fetch`. */
  fetch?: FetchTransportOptions['fetch'];
  /**
   * Resolves host names for the check that image downloads go to public addresses only (e.g. Deno's
   * `Deno.resolveDns`). Without one, IP literals and internal names are refused but public-looking names are
   * trusted; `fetch` resolves names itself, so an answer that changes between the check and the connection (DNS
   * rebinding) is not caught on this entry.
   */
  resolveHost?: ResolveHost;
}

/**
 * Creates a client that sends through WHATWG `fetch` and waits with the runtime's timers: for Deno, Bun, edge
 * runtimes, or a Node app that wants its own instrumented `fetch`. Same options, errors and retries as on Node.
 */
export function createPictorClient(options: FetchClientOptions = {}): PictorClient {
  const { fetch: fetchImpl, resolveHost, ...rest } = options;
  const opts = resolveClientOptions(rest);
  const transport = createFetchTransport(fetchImpl ? { fetch: fetchImpl } : {});
  return openClient(opts, { transport, sleep: timerSleep, now: () => performance.now(), resolveHost }, true);
}
