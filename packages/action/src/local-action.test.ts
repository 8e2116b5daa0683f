import { describeImage } from '@pictor/core';
import { renderImage, startSandbox, type Sandbox } from '@pictor/sandbox';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from './__fixtures__/action-yml.js';

// `local-action run . src/main.ts .env` — GitHub's tool for running an action's TypeScript locally with its
// @actions/core stubbed. The package.json's packageManager field makes it take its pnpm path (it finds the
// stubbed module through `pnpm list`), so pnpm must be on PATH, as it is in every `pnpm run` script.

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

/** `local-action run . src/main.ts <envFile>` with no INPUT_/GITHUB_ variable of this process leaking in. */
function runLocalAction(envFile: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(INPUT_|GITHUB_|RUNNER_)/.test(name)),
  );
  env.PATH = [join(packageDir, 'node_modules/.bin'), env.PATH].join(delimiter);
  return new Promise((done) => {
    execFile(
      'local-action',
      ['run', '.', 'src/main.ts', envFile],
      { cwd: packageDir, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('@github/local-action', () => {
  it('runs src/main.ts with the stubbed toolkit: images written, outputs listed, summary written, key hidden', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pictor-local-action-'));
    const key = 'pictor-local-key-9d81e6f2';
    const envFile = join(dir, '.env');
    const summaryFile = join(dir, 'summary.md');
    await writeFile(summaryFile, '');
    await writeFile(
      envFile,
      [
        'INPUT_PROMPT=a lantern in the fog',
        'INPUT_PROVIDER=sandbox',
        `INPUT_BASE-URL=${sandbox.urls.together}`,
        `INPUT_API-KEY=${key}`,
        'INPUT_SEED=5',
        `INPUT_OUTPUT-DIR=${join(dir, 'images')}`,
        `GITHUB_STEP_SUMMARY=${summaryFile}`,
        `GITHUB_WORKSPACE=${dir}`,
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runLocalAction(envFile);

    expect(code, stdout + stderr).toBe(0);
    // local-action prints what the stubbed setOutput received; a real @actions/core would leave this table empty.
    const outputs = stdout.slice(stdout.indexOf('Action Outputs'));
    expect(outputs).toMatch(/'generated'\s*│\s*'1'/);
    expect(outputs).toMatch(/'skipped'\s*│\s*'0'/);
    const image = /'images'\s*│\s*'\["([^"]+)"\]'/.exec(outputs)?.[1];
    expect(image).toBeDefined();
    expect(existsSync(image!)).toBe(true);
    expect(stdout).toContain(`"a lantern in the fog" seed=5 size=1024x1024 ${image}`);
    expect(await readFile(summaryFile, 'utf8')).toContain('<td>a lantern in the fog</td><td>5</td>');
    expect(stdout + stderr).not.toContain(key);
  });

  it('runs an edit: input-images read inside the workspace, the edited image written at the requested size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pictor-local-action-'));
    await writeFile(
      join(dir, 'photo.png'),
      await renderImage({ prompt: 'a grey quay', seed: 2, index: 0, width: 256, height: 256, format: 'png' }),
    );
    const summaryFile = join(dir, 'summary.md');
    await writeFile(summaryFile, '');
    const envFile = join(dir, '.env');
    await writeFile(
      envFile,
      [
        'INPUT_PROMPT=the quay at night',
        'INPUT_PROVIDER=sandbox',
        `INPUT_BASE-URL=${sandbox.urls.together}`,
        'INPUT_INPUT-IMAGES=*.png',
        'INPUT_SIZE=640x448',
        `INPUT_OUTPUT-DIR=${join(dir, 'edited')}`,
        `GITHUB_STEP_SUMMARY=${summaryFile}`,
        `GITHUB_WORKSPACE=${dir}`,
      ].join('\n'),
    );
    const before = sandbox.stats.generations.together;
    const { code, stdout, stderr } = await runLocalAction(envFile);

    expect(code, stdout + stderr).toBe(0);
    expect(sandbox.stats.generations.together).toBe(before + 1);
    expect(stdout).toContain('Editing 1 input image(s): photo.png');
    const outputs = stdout.slice(stdout.indexOf('Action Outputs'));
    expect(outputs).toMatch(/'generated'\s*│\s*'1'/);
    const image = /'images'\s*│\s*'\["([^"]+)"\]'/.exec(outputs)?.[1];
    const edited = describeImage(await readFile(image!));
    expect([edited.width, edited.height]).toEqual([640, 448]);
  });

  it('runs a dry run: the plan and its cost printed, outputs set, no request sent and no file written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pictor-local-action-'));
    const summaryFile = join(dir, 'summary.md');
    await writeFile(summaryFile, '');
    const envFile = join(dir, '.env');
    await writeFile(
      envFile,
      [
        'INPUT_PROMPT=a lantern in the fog',
        'INPUT_PROVIDER=sandbox',
        `INPUT_BASE-URL=${sandbox.urls.together}`,
        'INPUT_MODEL=black-forest-labs/FLUX.1-schnell',
        'INPUT_SIZE=1024x1024',
        'INPUT_DRY-RUN=true',
        `INPUT_OUTPUT-DIR=${join(dir, 'images')}`,
        `GITHUB_STEP_SUMMARY=${summaryFile}`,
        `GITHUB_WORKSPACE=${dir}`,
      ].join('\n'),
    );
    const requests = sandbox.stats.requests;
    const { code, stdout, stderr } = await runLocalAction(envFile);

    expect(code, stdout + stderr).toBe(0);
    expect(sandbox.stats.requests).toBe(requests);
    expect(existsSync(join(dir, 'images'))).toBe(false);
    // 1024×1024 = 1.048576 MP at $0.0027 per MP: $0.0028311552.
    expect(stdout).toContain('1 image(s) at 1024×1024, $0.002831 (estimate)');
    const outputs = stdout.slice(stdout.indexOf('Action Outputs'));
    expect(outputs).toMatch(/'generated'\s*│\s*'0'/);
    expect(outputs).toMatch(/'cost'\s*│\s*'0\.00283115\d*'/);
    expect(await readFile(summaryFile, 'utf8')).toContain('<td>$0.002831</td><td>estimate</td>');
  });
});
