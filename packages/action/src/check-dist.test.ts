import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir } from './__fixtures__/action-yml.js';

const BUDGET_BYTES = 800 * 1024;

describe('check-dist', () => {
  it('rebuilding from the sources gives the committed dist/index.js byte for byte', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'pictor-check-dist-')), 'index.js');
    execFileSync(process.execPath, ['build.mjs', out], { cwd: packageDir });
    const rebuilt = await readFile(out);
    // What git holds, not the working copy: `pnpm run build` rewrites that one before the tests run.
    const committed = execFileSync('git', ['show', 'HEAD:./dist/index.js'], {
      cwd: packageDir,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(
      rebuilt.equals(committed),
      'dist/index.js is stale: run `npx -y pnpm@12.21.0 --filter @pictor/action run build` and commit packages/action/dist',
    ).toBe(true);
  });

  it('the bundle is within its size budget and portable', async () => {
    const bundle = await readFile(join(packageDir, 'dist/index.js'));
    expect(bundle.length).toBeLessThan(BUDGET_BYTES);
    // No machine's paths baked in, and not the sandbox (it needs native sharp). That nothing else is needed at
    // run time, dist.test.ts shows by running a copy of the bundle outside the repository.
    expect(bundle.includes(resolve(packageDir, '../..'))).toBe(false);
    expect(bundle.includes('@pictor/sandbox')).toBe(false);
  });
});
