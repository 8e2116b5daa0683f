// Checks dist/ as n8n verifies community nodes: self-contained CommonJS, no runtime dependencies, no environment
// or file-system access when n8n loads it. Needs `pnpm run build` first (turbo runs it before the tests).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import type { INodeTypeDescription } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

/** What the two bundles export. */
interface Exported {
  PictorApi: new () => { name: string };
  Pictor: new () => { description: INodeTypeDescription };
}

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(fs.readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  n8n: { credentials: string[]; nodes: string[] };
};
const entries = [...pkg.n8n.credentials, ...pkg.n8n.nodes].map((file) => join(root, file));
const requireFromHere = createRequire(import.meta.url);

describe('dist bundle', () => {
  it('exists for every file the n8n block of package.json names', () => {
    for (const entry of entries) expect(fs.existsSync(entry), `${entry} (run the build first)`).toBe(true);
  });

  it('requires only what n8n gives community nodes: n8n-workflow, zod and crypto', () => {
    const required = entries.flatMap((entry) =>
      [...fs.readFileSync(entry, 'utf8').matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map(
        (m) => m[1] as string,
      ),
    );
    expect(required).toContain('n8n-workflow');
    // n8n's own zod (3.25) has zod 4 under this subpath; `zod/mini` would not resolve inside n8n.
    expect(new Set(required)).toEqual(new Set(['n8n-workflow', 'zod/v4/mini', 'node:crypto']));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
  });

  it('reads no environment variable and no file while n8n loads it', () => {
    // Provided and loaded by n8n, not part of the package.
    requireFromHere('n8n-workflow');
    requireFromHere('zod/v4/mini');
    const envReads: string[] = [];
    const fileCalls: string[] = [];
    const realEnv = process.env;
    const restores: Array<() => void> = [];
    for (const mod of [fs, fs.promises] as unknown as Array<Record<string, unknown>>) {
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== 'function' || !/^[a-z]/.test(name)) continue;
        mod[name] = function (this: unknown, ...args: unknown[]) {
          // Node's loader reading the bundle and resolving what n8n provides is not the bundle's doing.
          const path = String(args[0]);
          if (!entries.includes(path) && !/\/(n8n-workflow|zod)\//.test(path)) fileCalls.push(`${name}(${path})`);
          return (value as (...a: unknown[]) => unknown).apply(this, args);
        };
        restores.push(() => (mod[name] = value));
      }
    }
    process.env = new Proxy(realEnv, {
      get: (target, key) => (typeof key === 'string' && envReads.push(key), Reflect.get(target, key)),
    });
    let exported: Exported;
    try {
      exported = Object.assign({}, ...entries.map((entry) => createRequire(entry)(entry) as object)) as Exported;
    } finally {
      process.env = realEnv;
      for (const restore of restores) restore();
    }

    expect(envReads).toEqual([]);
    expect(fileCalls).toEqual([]);
    const { description } = new exported.Pictor();
    expect(description.usableAsTool).toBe(true);
    expect(description.credentials).toEqual([{ name: new exported.PictorApi().name, required: true }]);
  });
});
