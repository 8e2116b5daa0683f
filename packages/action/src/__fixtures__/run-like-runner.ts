import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionDefaults, packageDir } from './action-yml.js';
import { parseGithubOutput } from './parse-github-output.js';

export interface RunnerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** The env var the runner sets for an input: `INPUT_` + the name upper-cased, spaces as `_`, dashes kept. */
function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Runs the committed `dist/index.js` as a GitHub runner runs a `node24` action: the action's folder as checked
 * out (action.yml, package.json, dist/; no node_modules anywhere above it), `node <action>/dist/index.js` in the
 * workspace, an `INPUT_*` variable for every input (action.yml's defaults, then `inputs`), and fresh
 * `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files whose contents come back parsed.
 */
export async function runLikeRunner(workspace: string, inputs: Record<string, string>): Promise<RunnerResult> {
  const runner = await mkdtemp(join(tmpdir(), 'pictor-runner-'));
  const action = join(runner, 'action');
  await mkdir(join(action, 'dist'), { recursive: true });
  for (const file of ['action.yml', 'package.json', 'dist/index.js'])
    await copyFile(join(packageDir, file), join(action, file));
  const outputFile = join(runner, 'output');
  const summaryFile = join(runner, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(INPUT_|GITHUB_|RUNNER_)/.test(name)),
  );
  for (const [name, value] of Object.entries({ ...(await actionDefaults()), ...inputs }))
    env[inputEnvName(name)] = value;
  Object.assign(env, {
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ACTIONS: 'true',
  });

  const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number; stdout: string; stderr: string }>(
    (done) => {
      execFile(process.execPath, [join(action, 'dist/index.js')], { cwd: workspace, env }, (error, stdout, stderr) =>
        done({ exitCode: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    },
  );
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseGithubOutput(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}
