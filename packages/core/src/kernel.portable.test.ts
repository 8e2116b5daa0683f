// The kernel entry is what hosts like n8n bundle: it must touch no Node-only module beyond `crypto`, and none of
// the globals n8n's community-node rules ban (`no-restricted-globals` of @n8n/eslint-plugin-community-nodes).
import { build } from 'esbuild';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const BANNED_GLOBALS = [
  'clearInterval',
  'clearTimeout',
  'global',
  'globalThis',
  'process',
  'setInterval',
  'setTimeout',
  'setImmediate',
  'clearImmediate',
  '__dirname',
  '__filename',
];
/** What a kernel bundle may still require: n8n's allow-list (zod is left to the host, as the n8n node does). */
const ALLOWED_MODULES = ['zod/v4/mini', 'crypto', 'node:crypto'];

async function bundle(entry: string) {
  const result = await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    external: ['zod'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
  return { code, imports };
}

function bannedGlobalsIn(code: string): string[] {
  const messages = new Linter({ configType: 'flat' }).verify(code, {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    rules: { 'no-restricted-globals': ['error', ...BANNED_GLOBALS] },
  });
  return messages.map((m) => `${m.line}:${m.column} ${m.message}`);
}

describe('the kernel entry (@pictor/core/kernel)', () => {
  it('imports no module beyond zod and crypto, and uses no banned global', async () => {
    const { code, imports } = await bundle('./kernel.ts');
    expect(new Set(imports)).toEqual(new Set(imports.filter((path) => ALLOWED_MODULES.includes(path))));
    expect(imports).toContain('zod/v4/mini');
    expect(bannedGlobalsIn(code)).toEqual([]);
  });

  it('is what keeps them out: the Node entry has undici, timers and process', async () => {
    // The same check fails on the Node entry, so a passing kernel check means something.
    const { code, imports } = await bundle('./index.ts');
    expect(imports.some((path) => !ALLOWED_MODULES.includes(path))).toBe(true);
    expect(bannedGlobalsIn(code).length).toBeGreaterThan(0);
  });
});
