import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { freePort, untilOutput } from '@pictor/queue/testing';
import { REPO_ROOT } from './ensure-n8n.js';

/** A PostgreSQL server of the tests' own: loopback only, trust authentication, a throwaway folder. */
export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  /** The superuser, `postgres`, who needs no password on this server. */
  user: 'postgres';
  database: 'postgres';
  /** Runs one SQL statement with psql and returns its rows, one line each, fields joined by `|`. */
  query(sql: string): string;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

/** Debian's PostgreSQL binaries, installed by scripts/ensure-postgres.sh if missing. */
function postgresBinDir(): string {
  return execFileSync('bash', [join(REPO_ROOT, 'scripts/ensure-postgres.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 10 * 60_000,
  })
    .trim()
    .split('\n')
    .pop() as string;
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user, who owns the folder. */
function asServerUser(dir: string): string[] {
  if (process.getuid?.() !== 0) return [];
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, id('-u'), id('-g'));
  return ['runuser', '-u', 'postgres', '--'];
}

/** Ends the server's process group: SIGINT is PostgreSQL's fast shutdown; SIGKILL if it outlives 30 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-(child.pid as number), 'SIGINT');
  const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Creates a database cluster in a fresh folder (initdb) and starts PostgreSQL on a free loopback port, its Unix
 * socket in that folder. The port is picked, then bound by PostgreSQL: if another process takes it in between, the
 * start is tried again on another.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'pictor-postgres-'));
  const data = join(dir, 'data');
  const prefix = asServerUser(dir);
  const command = (name: string, args: string[]) =>
    prefix.length
      ? { file: prefix[0] as string, args: [...prefix.slice(1), join(bin, name), ...args] }
      : { file: join(bin, name), args };
  try {
    const initdb = command('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    execFileSync(initdb.file, initdb.args, { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    // fsync off: the data is thrown away, and the shared machine's disk is spared.
    const server = command('postgres', [
      ...['-D', data, '-p', String(port), '-k', dir],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    ]);
    const child = spawn(server.file, server.args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    // A test run that ends abruptly must not leave a server behind.
    const killOnExit = () => process.kill(-(child.pid as number), 'SIGKILL');
    process.once('exit', killOnExit);
    try {
      await untilOutput(child, 'stderr', 'ready to accept connections', 'postgres');
    } catch (error) {
      process.off('exit', killOnExit);
      await stopGroup(child);
      lastError = error;
      continue;
    }
    return {
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
      query(sql) {
        return execFileSync(
          join(bin, 'psql'),
          [
            '-h',
            '127.0.0.1',
            '-p',
            String(port),
            '-U',
            'postgres',
            '-d',
            'postgres',
            '-At',
            '-v',
            'ON_ERROR_STOP=1',
            '-c',
            sql,
          ],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
        ).replace(/\n$/, '');
      },
      async stop() {
        process.off('exit', killOnExit);
        await stopGroup(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('postgres did not start');
}
