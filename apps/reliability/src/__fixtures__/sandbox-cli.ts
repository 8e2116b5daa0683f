import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { requireBuilt } from './front-doors.ts';
import { spawnNode } from './run-node.ts';

/** The built `pictor-sandbox` command, as users run it. */
export const SANDBOX_BIN = fileURLToPath(new URL('../../../../packages/sandbox/dist/cli.js', import.meta.url));

/** A `pictor-sandbox` process on a free loopback port. */
export interface SandboxCli {
  url: string;
  port: number;
  /** Everything it printed so far (the request log, and any internal error with its stack). */
  output(): string;
  /** The process's resident set size now and its peak so far, in bytes (Linux `/proc/<pid>/status`). */
  memory(): { rss: number; peak: number };
  close(): Promise<void>;
}

function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Starts `pictor-sandbox --port 0 …args` and resolves once it prints where it listens. */
export async function startSandboxCli(args: string[] = []): Promise<SandboxCli> {
  const child = spawnNode(requireBuilt(SANDBOX_BIN), ['--port', '0', ...args]);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (): void => {
      const found = /listening on (http:\/\/\S+)/.exec(output);
      if (found?.[1]) {
        child.stdout.off('data', onData);
        resolve(found[1]);
      }
    };
    child.stdout.on('data', onData);
    void exited.then(() => reject(new Error(`pictor-sandbox exited before listening:\n${output}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('pictor-sandbox has no pid');
  return {
    url,
    port: Number(new URL(url).port),
    output: () => output,
    memory: () => ({ rss: statusBytes(pid, 'VmRSS'), peak: statusBytes(pid, 'VmHWM') }),
    close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
