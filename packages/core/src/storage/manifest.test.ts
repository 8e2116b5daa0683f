import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePng } from '../__fixtures__/make-png.js';
import { readFolderFile, statFolderFile } from './folder-file.js';
import { findCompleteEntry, readManifest, updateManifest, type ManifestWarning } from './manifest.js';
import { isPlainFileName } from './manifest-schema.js';

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pictor-manifest-'));
  dir = join(root, 'images');
  await mkdir(dir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const PNG = makePng(6, 4, 1);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function entry(key: string, file: string, bytes: Uint8Array = PNG) {
  return {
    key,
    prompt: 'p',
    provider: 'together',
    model: 'm',
    parameters: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    images: [
      { file, index: 0, sha256: sha256(bytes), mediaType: 'image/png', width: 6, height: 4, bytes: bytes.length },
    ],
  };
}

async function writeManifest(entries: unknown[], extra: Record<string, unknown> = {}): Promise<void> {
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: 1, generator: 'pictor', entries, ...extra }));
}

describe('isPlainFileName', () => {
  it.each(['a.png', 'a lighthouse-0.png', 'île.webp', 'x..png'])('accepts %j', (name) =>
    expect(isPlainFileName(name)).toBe(true),
  );
  it.each([
    '',
    '.',
    '..',
    '../a.png',
    '../../etc/passwd',
    '/etc/passwd',
    'sub/a.png',
    'a\\b.png',
    'C:a.png',
    '.hidden.png',
    'a\nb.png',
    'a\x1b.png',
  ])('refuses %j', (name) => expect(isPlainFileName(name)).toBe(false));
});

describe('readManifest', () => {
  it('leaves out, and tells once, each entry whose file is not a plain name inside the folder', async () => {
    await writeFile(join(root, 'secret.png'), PNG);
    await writeFile(join(dir, 'ok.png'), PNG);
    await writeManifest([
      entry('k-ok', 'ok.png'),
      entry('k-up', '../secret.png'),
      entry('k-abs', join(root, 'secret.png')),
    ]);
    const warnings: ManifestWarning[] = [];
    const manifest = await readManifest(dir, { onWarning: (w) => warnings.push(w) });
    expect(manifest.entries.map((e) => e.key)).toEqual(['k-ok']);
    expect(warnings.map((w) => [w.type, w.key, w.file])).toEqual([
      ['unsafe-manifest-entry', 'k-up', '../secret.png'],
      ['unsafe-manifest-entry', 'k-abs', join(root, 'secret.png')],
    ]);
    expect(warnings[0]!.message).toMatch(
      /ignored the manifest entry k-up: its file "\.\.\/secret\.png" is not a plain file name/,
    );
    expect(await findCompleteEntry(dir, 'k-up')).toBeUndefined();
  });

  it('keeps unsafe entries in the file when another entry is saved (never dropped blindly, never followed)', async () => {
    await writeManifest([entry('k-up', '../secret.png')]);
    await updateManifest(dir, (m) => m.entries.push(entry('k-new', 'new.png')));
    expect((await readManifest(dir)).entries.map((e) => e.key)).toEqual(['k-new']);
    const all: string[] = [];
    await readManifest(dir, { onWarning: (w) => all.push(w.key) });
    expect(all).toEqual(['k-up']);
  });

  it.each([
    ['entries that are not objects', { entries: [42] }, /entries\.0/],
    [
      'a width that is markup',
      { entries: [{ ...entry('k', 'a.png'), images: [{ ...entry('k', 'a.png').images[0], width: '<script>' }] }] },
      /entries\.0\.images\.0\.width/,
    ],
    [
      'a sha256 that is not hex',
      { entries: [{ ...entry('k', 'a.png'), images: [{ ...entry('k', 'a.png').images[0], sha256: '"><b>' }] }] },
      /entries\.0\.images\.0\.sha256: must be 64 lower-case hex digits/,
    ],
    [
      'a media type that is not an image',
      { entries: [{ ...entry('k', 'a.png'), images: [{ ...entry('k', 'a.png').images[0], mediaType: 'text/html' }] }] },
      /entries\.0\.images\.0\.mediaType/,
    ],
    ['images that are not a list', { entries: [{ ...entry('k', 'a.png'), images: null }] }, /entries\.0\.images/],
    ['another version', { version: 2, entries: [] }, /version/],
  ])('refuses a manifest with %s, naming the field (a PictorError, not a TypeError)', async (_, content, field) => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: 1, ...content }));
    const error = await readManifest(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('PictorError');
    expect((error as Error).message).toMatch(/is not a Pictor manifest/);
    expect((error as Error).message).toMatch(field);
  });

  it('keeps fields it does not know, so rewriting the manifest never drops them', async () => {
    await writeManifest([{ ...entry('k', 'a.png'), note: 'from a newer Pictor' }], { extra: true });
    await updateManifest(dir, () => {});
    const manifest = await readManifest(dir);
    expect(manifest.entries[0]).toMatchObject({ note: 'from a newer Pictor' });
    expect(manifest).toMatchObject({ extra: true });
  });
});

describe('findCompleteEntry', () => {
  it('compares the recorded sha256, not only the size', async () => {
    await writeFile(join(dir, 'a.png'), PNG);
    await writeManifest([entry('k', 'a.png')]);
    expect(await findCompleteEntry(dir, 'k')).toBeDefined();
    const sameSize = Buffer.from(PNG);
    sameSize[sameSize.length - 5]! ^= 0xff;
    await writeFile(join(dir, 'a.png'), sameSize);
    expect(await findCompleteEntry(dir, 'k')).toBeUndefined();
  });

  it('never follows a symbolic link in the folder, even one to a file with the recorded hash', async () => {
    await writeFile(join(root, 'outside.png'), PNG);
    await symlink(join(root, 'outside.png'), join(dir, 'a.png'));
    await writeManifest([entry('k', 'a.png')]);
    expect(await findCompleteEntry(dir, 'k')).toBeUndefined();
    expect(await readFolderFile(dir, 'a.png')).toBeUndefined();
    expect(await statFolderFile(dir, 'a.png')).toBeUndefined();
  });

  it('reads and sizes regular files by plain name only', async () => {
    await writeFile(join(dir, 'a.png'), PNG);
    expect(await readFolderFile(dir, 'a.png')).toEqual(Buffer.from(PNG));
    expect(await statFolderFile(dir, 'a.png')).toEqual({ size: PNG.length });
    expect(await readFolderFile(dir, '../images/a.png')).toBeUndefined();
    expect(await statFolderFile(root, 'images')).toBeUndefined();
  });
});
