import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SandboxOptions, SandboxStats } from '@pictor/sandbox';
import type { LatencyRange, TokenCounts } from './counting-proxy.ts';

const SANDBOX_CHILD = fileURLToPath(new URL('./sandbox-child.ts', import.meta.url));

/** Options of the sandbox child: the sandbox's own (JSON-able ones), and the counting proxy's latency. */
export type SandboxChildOptions = Pick<SandboxOptions, 'latencyMs' | 'rateLimit'> & { proxy?: LatencyRange };

/** What the child reports: the sandbox's counters, and the proxy's counts by token (empty without a proxy). */
export interface SandboxReport {
  stats: Omit<SandboxStats, 'reset'>;
  counts: Record<string, TokenCounts>;
}

/** A sandbox in its own process (so its work is not the client's), asked over IPC for its URLs and counters. */
export class SandboxProcess {
  readonly #child: ChildProcess;
  readonly #replies: Array<(message: Record<string, unknown>) => void> = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message) => this.#replies.shift()?.(message as Record<string, unknown>));
  }

  /** Starts it; `urls` are the stand-ins' base URLs (the proxy's, when there is one). */
  static async start(
    options: SandboxChildOptions = {},
  ): Promise<{ sandbox: SandboxProcess; urls: Record<string, string> }> {
    const child = fork(SANDBOX_CHILD, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const sandbox = new SandboxProcess(child);
    const { urls } = (await sandbox.#next()) as { urls: Record<string, string> };
    return { sandbox, urls };
  }

  #next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.#replies.push(resolve);
      this.#child.once('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
    });
  }

  async report(): Promise<SandboxReport> {
    const reply = this.#next();
    this.#child.send('stats');
    return (await reply) as unknown as SandboxReport;
  }

  async stats(): Promise<SandboxReport['stats']> {
    return (await this.report()).stats;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.send('close');
    });
  }
}
