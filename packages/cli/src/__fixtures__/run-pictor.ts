import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `pictor` binary. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

const PROVIDER_ENV = [
  'PICTOR_API_KEY',
  'PICTOR_PROVIDER',
  'PICTOR_BASE_URL',
  'TOGETHER_API_KEY',
  'OPENAI_API_KEY',
  'R9S_API_KEY',
  'AI_STATS_API_KEY',
];

/** This process's environment without any provider key or setting, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of PROVIDER_ENV) delete env[name];
  return { ...env, ...extra };
}

export interface RunOptions {
  cwd?: string;
  /** Added to a clean environment (no provider keys). */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  input?: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `node dist/bin.js …args` as a user's shell would, stdin/stdout/stderr piped. */
export function spawnPictor(args: string[], options: RunOptions = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: cleanEnv(options.env),
    stdio: 'pipe',
  });
  child.stdin.end(options.input ?? '');
  return child;
}

/** Resolves when the child exits, with everything it printed. */
export function collect(child: ChildProcessWithoutNullStreams): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `pictor …args` to the end. */
export function runPictor(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return collect(spawnPictor(args, options));
}

/** A fresh temporary folder and its removal. */
export async function tempDir(prefix = 'pictor-cli-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
