import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const HOOK = fileURLToPath(new URL('./esbuild-metafile-hook.ts', import.meta.url));

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** The package an input file of a bundle belongs to: `undici`, `zod`, `@pictor/core`, … */
export function packageOf(input: string): string {
  const path = input.replace(/^[a-z-]+:(?!\/)/, ''); // a plugin's namespace, e.g. `undici-subset:undici`
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(path);
  if (inModules?.[1]) return inModules[1];
  const inWorkspace = /^(?:.*\/packages\/|(?:\.\.\/)+)([^/.][^/]*)\//.exec(path);
  if (inWorkspace?.[1]) return `@pictor/${inWorkspace[1]}`;
  return path.startsWith('src/') ? 'the package itself' : path;
}

/**
 * Runs a package's own `build.mjs` into a temporary file, with its own esbuild, settings and plugins, and
 * returns the minified output bytes per package, largest first. Undefined when that cannot be done.
 */
export async function bundleComposition(
  packageDir: string,
): Promise<Array<{ name: string; bytes: number }> | undefined> {
  const work = await mkdtemp(join(tmpdir(), 'pictor-bench-bundle-'));
  try {
    const metafilePath = join(work, 'meta.json');
    await promisify(execFile)(process.execPath, ['--import', HOOK, 'build.mjs', join(work, 'index.js')], {
      cwd: packageDir,
      env: { ...process.env, BENCH_METAFILE: metafilePath },
    });
    const metafile = JSON.parse(await readFile(metafilePath, 'utf8')) as Metafile;
    const totals = new Map<string, number>();
    for (const output of Object.values(metafile.outputs)) {
      for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
        const name = packageOf(path);
        totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
      }
    }
    return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
  } catch {
    return undefined;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
