import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlainFileName } from './manifest-schema.js';

// Refuses a symbolic link at open, so a link planted in the folder is never followed (Windows has no O_NOFOLLOW:
// the lstat check in `statFolderFile` still refuses links there).
const READ_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * The size of a file a manifest names, when it is a regular file directly in `dir`; undefined when it is absent,
 * a link, a folder, or the name is not a plain file name.
 */
export async function statFolderFile(dir: string, file: string): Promise<{ size: number } | undefined> {
  if (!isPlainFileName(file)) return undefined;
  try {
    const info = await lstat(join(dir, file));
    return info.isFile() ? { size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bytes of a file a manifest names, read only when it is a regular file directly in `dir` (never through a
 * link); undefined otherwise.
 */
export async function readFolderFile(dir: string, file: string): Promise<Buffer | undefined> {
  if (!isPlainFileName(file)) return undefined;
  let handle;
  try {
    handle = await open(join(dir, file), READ_NO_FOLLOW);
  } catch {
    return undefined;
  }
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    return await handle.readFile();
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Whether the file a manifest records is in `dir` with the recorded size and sha256 (a same-size rewrite fails). */
export async function matchesRecord(
  dir: string,
  image: { file: string; bytes: number; sha256: string },
): Promise<boolean> {
  const info = await statFolderFile(dir, image.file);
  if (!info || info.size !== image.bytes) return false;
  const bytes = await readFolderFile(dir, image.file);
  return bytes !== undefined && createHash('sha256').update(bytes).digest('hex') === image.sha256;
}
