import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLikeRunner, type RunnerResult } from './__fixtures__/run-like-runner.js';

// The committed bundle, run as the runner runs it: `node dist/index.js` with INPUT_* variables and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files (check-dist.test.ts proves it is what the sources build to).

const KEY = 'pictor-dist-key-5b2e9d07';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: KEY });
});

afterAll(async () => {
  await sandbox.close();
});

/** Everything the run left where a user or a later step could read it, except the add-mask command itself. */
function everythingVisible(result: RunnerResult, key: string): string {
  return [
    result.stdout.replace(`::add-mask::${key}\n`, ''),
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
  ].join('\n');
}

describe('dist/index.js run as the GitHub runner runs it', () => {
  it('writes the images, outputs and summary; a second run skips everything; the key is masked', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'pictor-workspace-'));
    const inputs = {
      prompt: 'a red fox in the snow\na blue whale at dawn',
      provider: 'sandbox',
      'base-url': sandbox.urls.together,
      'api-key': KEY,
      n: '2',
      seed: '42',
      size: '768x512',
    };

    const first = await runLikeRunner(workspace, inputs);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout.startsWith(`::add-mask::${KEY}\n`)).toBe(true);
    expect(everythingVisible(first, KEY)).not.toContain(KEY);

    const paths = JSON.parse(first.outputs.images!) as string[];
    expect(paths).toHaveLength(4);
    expect(first.outputs).toMatchObject({
      count: '4',
      generated: '4',
      skipped: '0',
      failed: '0',
      manifest: 'generated-images/manifest.json',
    });
    for (const path of paths) {
      expect(path).toMatch(/^generated-images\/a-(red-fox-in-the-snow|blue-whale-at-dawn)-[0-9a-f]{8}-[01]\.\w+$/);
      expect(existsSync(join(workspace, path))).toBe(true);
      expect(first.stdout).toContain(`seed=42 size=768x512 ${path}\n`);
      expect(first.summary).toContain(`<td><code>${path}</code></td>`);
    }
    expect(first.stdout.match(/^::group::/gm)).toHaveLength(2);
    expect(first.stdout.match(/^::endgroup::/gm)).toHaveLength(2);
    expect(first.summary).toContain(
      '<tr><th>File</th><th>Prompt</th><th>Seed</th><th>Size</th><th>SHA-256</th><th>Run</th></tr>',
    );
    expect(first.summary).toContain('<td>a blue whale at dawn</td><td>42</td><td>768×512</td>');

    const calls = sandbox.stats.generations.together;
    const second = await runLikeRunner(workspace, inputs);
    expect(second.exitCode).toBe(0);
    expect(sandbox.stats.generations.together).toBe(calls);
    expect(second.outputs).toMatchObject({ count: '4', generated: '0', skipped: '4', failed: '0' });
    expect(JSON.parse(second.outputs.images!)).toEqual(paths);
    expect(second.summary.match(/<td>skipped<\/td>/g)).toHaveLength(4);
    expect(everythingVisible(second, KEY)).not.toContain(KEY);
  });

  it("a wrong key fails the step with the provider's clear message and never shows the key", async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'pictor-workspace-'));
    const wrong = 'pictor-wrong-key-0c4f7a13';
    const result = await runLikeRunner(workspace, {
      prompt: 'a locked door',
      provider: 'sandbox',
      'base-url': sandbox.urls.together,
      'api-key': wrong,
    });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`::add-mask::${wrong}\n`);
    expect(result.stdout).toMatch(
      /^::error::1 of 1 prompt\(s\) failed:%0Aline 1 "a locked door": AuthenticationError: 401 Unauthorized: .+$/m,
    );
    expect(everythingVisible(result, wrong)).not.toContain(wrong);
    expect(result.outputs).toMatchObject({ count: '0', generated: '0', failed: '1' });
  });
});
