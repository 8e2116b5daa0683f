import { spawn, type ChildProcess } from 'node:child_process';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A long-running n8n (`n8n start`, `n8n worker`) in its own process group, its output kept for the tests to read.
 * `stop()` ends the whole group (n8n's task runner included).
 */
export class N8nProcess {
  private output = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly killOnExit = () => this.signal('SIGKILL');

  constructor(bin: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [bin, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    this.child.stdout?.on('data', append);
    this.child.stderr?.on('data', append);
    // 'exit', not 'close': n8n's task runner may hold the pipes open after n8n itself has ended.
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    // A test run that ends abruptly must not leave an n8n behind.
    process.once('exit', this.killOnExit);
  }

  /** Everything the process printed so far, stdout and stderr interleaved. */
  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the output matches; rejects if the process ends first or `timeoutMs` passes. */
  async waitForLog(pattern: RegExp, timeoutMs = 170_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (!this.running) throw new Error(`n8n exited before printing ${pattern}:\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline)
        throw new Error(`n8n printed no ${pattern} in ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await sleep(200);
    }
  }

  private signal(name: NodeJS.Signals): void {
    try {
      process.kill(-(this.child.pid as number), name);
    } catch {
      // The group is gone already.
    }
  }

  /** SIGTERM (n8n's graceful shutdown), then SIGKILL to the group if it outlives 30 s. */
  async stop(): Promise<void> {
    process.off('exit', this.killOnExit);
    if (this.running) this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
    // Its task runner may outlive it in the group.
    this.signal('SIGKILL');
  }
}
