import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A port free on 127.0.0.1 right now (a server started on it may still lose it to another: retry then). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once a server started as `child` prints `text` on `stream` (its "ready" line); rejects with the end of
 * what it printed if it exits first. The stream keeps flowing afterwards, so the server never blocks on a full pipe.
 */
export function untilOutput(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  text: string,
  name = 'the server',
): Promise<void> {
  const output = child[stream];
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        output?.off('data', onData);
        child.off('exit', onExit);
        output?.resume();
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`${name} exited (${code}): ${seen.slice(-800)}`));
    output?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
}
