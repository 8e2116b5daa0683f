import type { FieldIssue } from '@pictor/core';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listEntries, resolveImageFiles } from './input-images.js';

let workspace: string;
let outside: string;

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'pictor-inputs-'));
  outside = await mkdtemp(join(tmpdir(), 'pictor-inputs-outside-'));
  vi.stubEnv('GITHUB_WORKSPACE', workspace);
  await mkdir(join(workspace, 'assets/deep'), { recursive: true });
  for (const file of ['assets/b.png', 'assets/a.png', 'assets/deep/c.jpg', 'top.webp'])
    await writeFile(join(workspace, file), 'x');
  await writeFile(join(outside, 'secret.png'), 'x');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function resolveAll(text: string): Promise<{ files: string[]; issues: FieldIssue[] }> {
  const issues: FieldIssue[] = [];
  const files = await resolveImageFiles('input-images', text, issues);
  return { files: files.map((f) => f.display), issues };
}

describe('resolveImageFiles', () => {
  it('splits on newlines and commas, keeps literal paths in order, sorts each glob, and lists every file once', async () => {
    expect(listEntries(' a.png,\n\n b.png , ')).toEqual(['a.png', 'b.png']);
    const { files, issues } = await resolveAll('top.webp\nassets/*.png, assets/a.png\nassets/**/*.jpg');
    expect(issues).toEqual([]);
    expect(files).toEqual(['top.webp', 'assets/a.png', 'assets/b.png', 'assets/deep/c.jpg']);
  });

  it.each([
    ['../x.png', 'must stay inside the workspace'],
    ['assets/../../x.png', 'must stay inside the workspace'],
    ['../*.png', 'must stay inside the workspace'],
    ['assets/*/../../../*.png', 'goes up (..) after a wildcard'],
    ['assets/**/../../*.png', 'goes up (..) after a wildcard'],
  ])('refuses %j, which climbs out of the workspace', async (entry, message) => {
    const { files, issues } = await resolveAll(entry);
    expect(files).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('input-images');
    expect(issues[0]!.message).toContain(message);
    expect(issues[0]!.message).toContain(JSON.stringify(entry));
  });

  it('refuses an absolute path or glob elsewhere, and links leading out, literal or matched', async () => {
    await symlink(join(outside, 'secret.png'), join(workspace, 'assets/link.png'));
    await symlink(outside, join(workspace, 'linked'));
    for (const entry of [
      join(outside, 'secret.png'),
      `${outside}/*.png`,
      'assets/link.png',
      'assets/*.png',
      'linked/*.png',
      'linked/secret.png',
    ]) {
      const { files, issues } = await resolveAll(entry);
      expect(files, entry).toEqual([]);
      expect(issues.map((i) => i.field)).toEqual(['input-images']);
      expect(issues[0]!.message, entry).toMatch(/must stay inside the workspace/);
    }
  });

  it('an entry matching no file, or a folder, is a clear error naming the entry', async () => {
    expect((await resolveAll('assets/*.gif')).issues).toEqual([
      { field: 'input-images', message: 'no file matches "assets/*.gif"' },
    ]);
    expect((await resolveAll('assets/missing.png')).issues).toEqual([
      { field: 'input-images', message: 'no file matches "assets/missing.png"' },
    ]);
    expect((await resolveAll('assets')).issues[0]!.message).toContain('"assets" is a folder');
    // A glob's folders are passed over; its files are kept.
    expect((await resolveAll('assets/*')).files).toEqual(['assets/a.png', 'assets/b.png']);
  });
});
