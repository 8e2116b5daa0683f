import type { Dialect } from '../fixed-server.ts';

/** Every client the benchmarks compare, in table order. */
export const CLIENT_NAMES = ['pictor-core', 'raw-undici', 'fetch', 'openai', 'together-ai', 'ai-sdk'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

/** The peer SDKs: "the best peer" is the best of these. */
export const PEER_SDKS: readonly ClientName[] = ['openai', 'together-ai', 'ai-sdk'];

/** Where a client sends its requests, and how many it may have in flight. */
export interface ClientSetup {
  urls: Record<Dialect, string>;
  /** Requests in flight at once (clients with a cap of their own are given this one). */
  concurrency: number;
}

/** A client as the benchmarks drive it: the same request for every client, the decoded bytes in hand. */
export interface BenchClient {
  /** The answer shape it asks for. */
  dialect: Dialect;
  /** One `POST /images/generations` for `n` images; resolves with each image's decoded bytes. */
  call(prompt: string, n: number): Promise<Uint8Array[]>;
  /**
   * `n` images where the model allows `perCall` a call, the way a user of this client gets them; absent
   * when the client has no batching of its own (then the benchmark runs the user's loop over `call`).
   */
  batch?: (prompt: string, n: number, perCall: number) => Promise<Uint8Array[]>;
  close(): Promise<void>;
}

export const API_KEY = 'bench-key';
export const TOGETHER_MODEL = 'black-forest-labs/FLUX.1-schnell';
export const OPENAI_MODEL = 'gpt-image-1';

/** Loads one client's module only, so each child process holds nothing but its own client. */
export async function loadClient(name: ClientName, setup: ClientSetup): Promise<BenchClient> {
  switch (name) {
    case 'pictor-core':
      return (await import('./pictor-core.ts')).create(setup);
    case 'raw-undici':
      return (await import('./raw-undici.ts')).create(setup);
    case 'fetch':
      return (await import('./fetch.ts')).create(setup);
    case 'openai':
      return (await import('./openai.ts')).create(setup);
    case 'together-ai':
      return (await import('./together-ai.ts')).create(setup);
    case 'ai-sdk':
      return (await import('./ai-sdk.ts')).create(setup);
  }
}
