import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from './manifest.js';
import { MANIFEST_LOCK, withManifestLock } from './manifest-lock.js';

let work: string;
let script: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pictor-lock-'));
  // The child runs this source as it is now: bundled from TypeScript, so no earlier build of core is needed.
  script = join(work, 'save-in-child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../__fixtures__/save-in-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    // proper-lockfile is CommonJS: its require() calls need a require in an ES module.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the manifest across processes', () => {
  it('keeps every entry and every file when several processes save into one folder at once', async () => {
    const dir = join(work, 'images');
    const workers = 4;
    const each = 15;
    await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        promisify(execFile)(process.execPath, [script, dir, String(w), String(each)]),
      ),
    );
    const manifest = await readManifest(dir);
    expect(manifest.entries).toHaveLength(workers * each);
    const files = manifest.entries.map((entry) => entry.images[0]!.file);
    expect(new Set(files).size).toBe(workers * each);
    // Every file holds the bytes its entry records: no process overwrote another's image.
    for (const entry of manifest.entries) {
      const bytes = await readFile(join(dir, entry.images[0]!.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.images[0]!.sha256);
    }
    const listing = await readdir(dir);
    expect(listing.sort()).toEqual([...files, 'manifest.json'].sort());
    expect(listing).not.toContain(MANIFEST_LOCK);
  });

  it('makes a second holder wait for the first, and releases the lock when the change throws', async () => {
    const dir = await mkdtemp(join(work, 'wait-'));
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = withManifestLock(dir, async () => {
      order.push('first in');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('first out');
    });
    while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = withManifestLock(dir, async () => {
      order.push('second in');
    });
    // The second is refused the lock (mkdir EEXIST) and retries until the first lets go.
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
    await expect(withManifestLock(dir, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await withManifestLock(dir, async () => order.push('after a failure'));
    expect(order.at(-1)).toBe('after a failure');
  });
});
