import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, untilOutput } from './child-process.js';

/** A redis-server of the tests' own: loopback only, nothing saved, a throwaway folder. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** The redis-server binary; default `redis-server` on PATH (scripts/ensure-redis.sh installs Debian's). */
  binary?: string;
}

/**
 * Starts a redis-server on a free loopback port. The port is picked, then bound by redis: if another process
 * takes it in between, the start is tried again on another.
 */
export async function startRedisServer(options: StartRedisOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'pictor-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(
      options.binary ?? 'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // A test run that ends abruptly must not leave a server behind.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
      await untilOutput(child, 'stdout', 'Ready to accept connections', 'redis-server');
    } catch (error) {
      process.off('exit', killOnExit);
      lastError = error;
      continue;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      async stop() {
        process.off('exit', killOnExit);
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('redis-server did not start');
}
