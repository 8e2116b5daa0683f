import { createPictorClient, PROVIDERS, SANDBOX_DEFAULT_PORT, type PictorClient } from '@pictor/core';
import type { ClientFlags } from './command-options.js';
import type { CommandContext } from './command-context.js';
import { readPricesFile } from './read-prices-file.js';
import { readKeyFromStdin } from './read-stdin.js';
import { resolveProvider } from './resolve-provider.js';

export interface OpenClient {
  client: PictorClient;
  /** Human name of where requests go, e.g. `Together AI`, `the embedded sandbox`. */
  label: string;
  /** Closes the client and the embedded sandbox, if one was started. */
  close(): Promise<void>;
}

export const EMBEDDED_NOTICE =
  'No API key found: using the offline Pictor sandbox (deterministic placeholder art, not a real model). ' +
  'Set TOGETHER_API_KEY or pass --provider to use a real provider.';

export interface OpenClientOptions {
  /**
   * Which stand-in of the embedded sandbox serves the command: Together (the default; FLUX models) or OpenAI, the
   * one that edits and streams (GPT image models).
   */
  embedded?: 'together' | 'openai';
  /**
   * A dry run: the client only plans and prices, so the embedded sandbox is not started (its client points at an
   * address nothing is sent to) and nothing is said about it beyond the label.
   */
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The model of the embedded OpenAI stand-in: it generates, edits and streams. */
export const EMBEDDED_OPENAI_MODEL = 'gpt-image-1.5';

/**
 * Resolves the provider from flags, `--api-key-stdin` and the environment, and creates the core client; with no
 * key (or `--provider sandbox` and no base URL) it starts the sandbox in this process first and says so on
 * stderr. The key is registered as a secret and error reports learn where requests go.
 */
export async function openClient(
  flags: ClientFlags,
  ctx: CommandContext,
  { embedded = 'together', dryRun = false, env = process.env }: OpenClientOptions = {},
): Promise<OpenClient> {
  const { term } = ctx;
  // Read and checked first: a bad price table stops the command before a key is read or a sandbox started.
  const prices = flags.prices === undefined ? undefined : await readPricesFile(flags.prices);
  const stdinKey = flags.apiKeyStdin ? await readKeyFromStdin() : undefined;
  const choice = resolveProvider({ ...flags, ...(stdinKey ? { stdinKey } : {}) }, env);
  const tuning = {
    ...(flags.retries === undefined ? {} : { maxRetries: flags.retries }),
    ...(flags.timeout === undefined ? {} : { timeoutMs: Math.round(flags.timeout * 1000) }),
    ...(flags.deadline === undefined ? {} : { deadlineMs: Math.round(flags.deadline * 1000) }),
    ...(prices ? { prices } : {}),
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
    const label = PROVIDERS[choice.provider].label;
    Object.assign(ctx.errorContext, { label, keySource: choice.keySource });
    return { client, label, close: () => client.close() };
  }

  // The `sandbox` preset speaks Together's dialect; the OpenAI stand-in is reached as a custom OpenAI gateway.
  const embeddedClient = (urls: { together: string; openai: string }) =>
    embedded === 'openai'
      ? createPictorClient({
          provider: 'custom',
          dialect: 'openai',
          baseURL: urls.openai,
          apiKey: 'sandbox',
          model: EMBEDDED_OPENAI_MODEL,
          ...tuning,
        })
      : createPictorClient({ provider: 'sandbox', baseURL: urls.together, ...tuning });
  if (dryRun) {
    // Planning needs the stand-in's provider and model (its prices), not a server: none is started or reached.
    const base = `http://127.0.0.1:${SANDBOX_DEFAULT_PORT}`;
    const client = embeddedClient({ together: `${base}/together/v1`, openai: `${base}/openai/v1` });
    const label = 'the embedded sandbox (not started: a dry run)';
    ctx.errorContext.label = label;
    return { client, label, close: () => client.close() };
  }

  const { startSandbox } = await import('@pictor/sandbox');
  const sandbox = await startSandbox({ port: 0 });
  term.info(
    choice.reason === 'no-key'
      ? EMBEDDED_NOTICE
      : `Using the offline Pictor sandbox, started in this process at ${sandbox.url} (deterministic placeholder art).`,
  );
  try {
    const client = embeddedClient(sandbox.urls);
    const label = 'the embedded sandbox';
    ctx.errorContext.label = label;
    return {
      client,
      label,
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
