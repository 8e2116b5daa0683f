// Runs the lint legs of n8n's own verification scanner (@n8n/scan-community-package: its recommended rules,
// `no-console`, and the n8n-nodes-base rulesets) on the sources and on the packed tarball, as n8n would before
// listing the node as verified. Provenance and the source-repository check need a real publish and are not run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { afterAll, describe, expect, it } from 'vitest';

/** The scanner's verdict on one leg (see scan-package.mjs). */
function scan(dir: string, leg: 'source' | 'tarball'): { passed: boolean; details: string } {
  const script = join(import.meta.dirname, 'scan-package.mjs');
  // Without vitest's NODE_ENV=test, which switches some n8n-nodes-base rules to their own test fixtures' file names.
  const { NODE_ENV: _test, ...env } = process.env;
  const out = execFileSync(process.execPath, [script, dir, leg], { encoding: 'utf8', env });
  return JSON.parse(out) as { passed: boolean; details: string };
}

const root = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'pictor-n8n-pack-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("n8n's verification scanner", () => {
  it('finds no error in the sources (credentials/, nodes/, package.json)', () => {
    const result = scan(root, 'source');
    expect(result.details).toBe('');
    expect(result.passed).toBe(true);
  });

  it('finds no error in the published tarball (the bundled dist/)', () => {
    // npm pack: exactly the files a user installs (package.json `files`), dist/ included.
    execFileSync('npm', ['pack', '--pack-destination', scratch, '--silent'], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    execFileSync('tar', ['-xzf', join(scratch, tarball as string), '-C', scratch]);
    const result = scan(join(scratch, 'package'), 'tarball');
    expect(result.details).toBe('');
    expect(result.passed).toBe(true);
  }, 120_000);
});
