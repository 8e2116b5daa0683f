import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** Variables a front door reads a key or a provider from: dropped from the environment children inherit. */
const PROVIDER_ENV = /^(PICTOR_|TOGETHER_|OPENAI_|R9S_|AI_STATS_|INPUT_|GITHUB_)/;

/** This process's environment without any provider key or Action input, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!PROVIDER_ENV.test(name)) env[name] = value;
  return { ...env, ...extra };
}

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node script …args` (Node 24, as the test runs) with a clean environment plus `env`. */
export function spawnNode(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: cleanEnv(options.env),
    stdio: 'pipe',
  });
  child.stdin.end(options.input ?? '');
  return child;
}

/** Resolves when the child exits, with everything it printed. */
export function collect(child: ChildProcessWithoutNullStreams): Promise<NodeRun> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runNode(
  script: string,
  args: string[],
  options: Parameters<typeof spawnNode>[2] = {},
): Promise<NodeRun> {
  return collect(spawnNode(script, args, options));
}
