import { stripVTControlCharacters } from 'node:util';
import { NEST_MAIN, requireBuilt } from './front-doors.ts';
import { collect, spawnNode, type NodeRun } from './run-node.ts';

export interface NestApp {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Everything the app printed so far, stdout then stderr. */
  output(): string;
  /** SIGTERM, then what it printed in all. */
  stop(): Promise<NodeRun>;
}

/**
 * `apps/nest-example/dist/main.js` as it runs in production, on a free loopback port, configured by `env` on top of
 * `PORT=0 HOST=127.0.0.1` (and a clean environment: no provider key leaks in from the test's).
 */
export async function startNestApp(env: Record<string, string>): Promise<NestApp> {
  const child = spawnNode(requireBuilt(NEST_MAIN), [], { env: { PORT: '0', HOST: '127.0.0.1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer | string) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer | string) => (stderr += chunk.toString()));
  const finished = collect(child);
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /Listening on (http:\/\/[^\s]+)/.exec(stripVTControlCharacters(stdout));
      if (match) resolve(match[1]!.replace('[::1]', '127.0.0.1'));
    });
    child.on('exit', (code) => reject(new Error(`the app exited (${code}) before listening:\n${stdout}${stderr}`)));
  });
  return {
    origin,
    output: () => stdout + stderr,
    stop() {
      child.kill('SIGTERM');
      return finished;
    },
  };
}
