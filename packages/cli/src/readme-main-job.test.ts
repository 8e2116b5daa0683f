import { readManifest } from '@pictor/core/storage';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from './__fixtures__/run-pictor.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const IMAGES = join(ROOT, 'images');
const BACKUP = join(ROOT, `images.before-pictor-test-${process.pid}`);

/** The last line of the fenced block that follows `<!-- main-job -->` in the root README. */
async function mainJobCommand(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const match = /<!-- main-job -->\s*\n```[^\n]*\n([\s\S]*?)\n```/.exec(readme);
  if (!match) throw new Error('README.md has no fenced block after <!-- main-job -->');
  return match[1]!.trim().split('\n').pop()!.trim();
}

beforeAll(async () => {
  // Someone's own ./images is kept aside, never deleted.
  if (existsSync(IMAGES)) await rename(IMAGES, BACKUP);
});
afterAll(async () => {
  await rm(IMAGES, { recursive: true, force: true });
  if (existsSync(BACKUP)) await rename(BACKUP, IMAGES);
});

describe('the README main job', () => {
  it('runs as written from the repository root and leaves 4 images, a manifest and a gallery in ./images', async () => {
    const command = await mainJobCommand();
    expect(command).toMatch(/ pictor generate /);
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-c', command], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/No API key found: using the offline Pictor sandbox/);

    const files = await readdir(IMAGES);
    expect(files).toContain('manifest.json');
    expect(files).toContain('index.html');
    const images = files.filter((f) => /\.(png|jpe?g|webp)$/.test(f));
    expect(images).toHaveLength(4);
    const [entry] = (await readManifest(IMAGES)).entries;
    expect(entry).toMatchObject({ prompt: 'a lighthouse at dusk' });
    expect(entry!.images.map((i) => i.file).sort()).toEqual(images.sort());
    for (const file of images) expect(run.stdout).toContain(`images/${file}`);
    const html = await readFile(join(IMAGES, 'index.html'), 'utf8');
    for (const file of images) expect(html).toContain(`src="${file}"`);
  }, 180_000);
});
