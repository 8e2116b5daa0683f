import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/** What the orchestrator asks one child process to do. */
export interface ChildJob {
  /** Which scenario module's `child()` runs. */
  scenario: 'small-payload' | 'big-batch' | 'fan-out' | 'rate-limit';
  client: string;
  params: unknown;
}

/**
 * Runs one job in a fresh Node process (the same Node binary, `--expose-gc` for the memory scenario) and
 * resolves with what it reports. A child that fails, or reports nothing, rejects with its stderr.
 */
export function runChild<T>(job: ChildJob, timeoutMs = 120_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(CHILD, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    let stderr = '';
    let reply: { ok: true; result: T } | { ok: false; error: string } | undefined;
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('message', (message) => (reply = message as typeof reply));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok) resolve(reply.result);
      else {
        const why = reply ? reply.error : `exited with ${signal ?? code} and no result`;
        reject(new Error(`${job.scenario}/${job.client}: ${why}${stderr ? `\n${stderr.trim()}` : ''}`));
      }
    });
    child.send(job);
  });
}
