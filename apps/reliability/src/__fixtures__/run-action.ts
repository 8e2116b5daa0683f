import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_BUNDLE, requireBuilt } from './front-doors.ts';
import { runNode } from './run-node.ts';

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The GITHUB_STEP_SUMMARY file's contents. */
  summary: string;
  /** The GITHUB_OUTPUT file as written. */
  outputsFile: string;
  /** The outputs, parsed. */
  outputs: Record<string, string>;
}

/** Reads a GITHUB_OUTPUT file: `name<<DELIMITER\nvalue\nDELIMITER` blocks (and plain `name=value` lines). */
export function parseGithubOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/**
 * Runs the Action's bundle as the GitHub runner runs a `node24` action: `node dist/index.js` in the workspace,
 * an `INPUT_*` variable per input, fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. `RUNNER_DEBUG=1` prints its
 * debug lines too.
 */
export async function runAction(
  inputs: Record<string, string>,
  options: { workspace?: string; debug?: boolean } = {},
): Promise<ActionRun> {
  const runner = await mkdtemp(join(tmpdir(), 'pictor-runner-'));
  const workspace = options.workspace ?? join(runner, 'workspace');
  await mkdir(workspace, { recursive: true });
  const output = join(runner, 'output');
  const summary = join(runner, 'summary');
  await writeFile(output, '');
  await writeFile(summary, '');
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_ACTIONS: 'true',
    ...(options.debug ? { RUNNER_DEBUG: '1' } : {}),
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const run = await runNode(requireBuilt(ACTION_BUNDLE), [], { env, cwd: workspace });
  const outputsFile = await readFile(output, 'utf8');
  return {
    code: run.code,
    stdout: run.stdout,
    stderr: run.stderr,
    summary: await readFile(summary, 'utf8'),
    outputsFile,
    outputs: parseGithubOutput(outputsFile),
  };
}
