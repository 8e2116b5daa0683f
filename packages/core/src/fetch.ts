// `@pictor/core/fetch`: the kernel, with a client that sends through WHATWG `fetch` and waits with the runtime's
// timers — for Deno, Bun, edge runtimes, or a Node app bringing its own `fetch`.
export * from './kernel.js';
export { createPictorClient, type FetchClientOptions as PictorClientOptions } from './client/fetch-client.js';
export { createFetchTransport, type FetchTransportOptions } from './http/fetch-transport.js';
