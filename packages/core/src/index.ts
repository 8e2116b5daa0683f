// `@pictor/core` on Node: the kernel, with a client that sends through undici and waits with Node's timers.
// Saving and manifests are in `@pictor/core/storage`, batch files and runs in `@pictor/core/batch`.
export * from './kernel.js';
export { createPictorClient, type NodeClientOptions as PictorClientOptions } from './client/node-client.js';
export { createUndiciTransport, type UndiciTransportOptions } from './http/undici-transport.js';
export { createFetchTransport, type FetchTransportOptions } from './http/fetch-transport.js';
