import { createPictorClient, PROVIDERS, type Dialect, type PictorClient } from '@pictor/core';
import { resolveProvider } from './resolve-provider.js';
import type { Terminal } from './terminal.js';

/** The flags every command that talks to a provider accepts. */
export interface ClientFlags {
  provider?: string;
  baseUrl?: string;
  dialect?: Dialect;
  retries?: number;
  timeout?: number;
  /** The key read from stdin by `--api-key-stdin`. */
  stdinKey?: string;
}

export interface OpenClient {
  client: PictorClient;
  /** Human name of where requests go, e.g. `Together AI`, `the embedded sandbox`. */
  label: string;
  /** What the key came from (for hints), when there is one. */
  keySource: string | undefined;
  /** Closes the client and the embedded sandbox, if one was started. */
  close(): Promise<void>;
}

export const EMBEDDED_NOTICE =
  'No API key found: using the offline Pictor sandbox (deterministic placeholder art, not a real model). ' +
  'Set TOGETHER_API_KEY or pass --provider to use a real provider.';

/**
 * Resolves the provider from flags and environment and creates the core client; with no key (or
 * `--provider sandbox` and no base URL) it starts the sandbox in this process first and says so on stderr.
 */
export async function openClient(flags: ClientFlags, term: Terminal, env: NodeJS.ProcessEnv = process.env): Promise<OpenClient> {
  const choice = resolveProvider(flags, env);
  const tuning = {
    ...(flags.retries === undefined ? {} : { maxRetries: flags.retries }),
    ...(flags.timeout === undefined ? {} : { timeoutMs: Math.round(flags.timeout * 1000) }),
  };
  if (choice.kind === 'remote') {
    term.addSecret(choice.apiKey);
    const client = createPictorClient({
      provider: choice.provider,
      ...(choice.apiKey ? { apiKey: choice.apiKey } : {}),
      ...(choice.baseURL ? { baseURL: choice.baseURL } : {}),
      ...(choice.dialect ? { dialect: choice.dialect } : {}),
      ...tuning,
    });
    return { client, label: PROVIDERS[choice.provider].label, keySource: choice.keySource, close: () => client.close() };
  }

  const { startSandbox } = await import('@pictor/sandbox');
  const sandbox = await startSandbox({ port: 0 });
  term.info(
    choice.reason === 'no-key'
      ? EMBEDDED_NOTICE
      : `Using the offline Pictor sandbox, started in this process at ${sandbox.url} (deterministic placeholder art).`,
  );
  try {
    const client = createPictorClient({ provider: 'sandbox', baseURL: sandbox.urls.together, ...tuning });
    return {
      client,
      label: 'the embedded sandbox',
      keySource: undefined,
      close: async () => {
        await client.close();
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
