import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Vitest global setup: the CLI and CommonJS tests run the built files. In CI turbo builds before testing;
 * when `dist/` is missing or older than `src/`, this builds it (tsup) so `vitest run` works on its own.
 */
export default function setup(): void {
  const outputs = ['dist/cli.js', 'dist/index.cjs', 'dist/index.js'].map((f) => join(packageDir, f));
  const built = outputs.every((f) => existsSync(f)) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  if (built > newestSource(join(packageDir, 'src'))) return;
  const require = createRequire(join(packageDir, 'package.json'));
  const tsupPackage = require.resolve('tsup/package.json');
  const bin = (require(tsupPackage) as { bin: Record<string, string> }).bin.tsup!;
  execFileSync(process.execPath, [join(dirname(tsupPackage), bin)], { cwd: packageDir, stdio: 'inherit' });
}
