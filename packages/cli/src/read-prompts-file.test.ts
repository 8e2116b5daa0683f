import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/run-pictor.js';
import { MAX_PROMPTS_FILE_BYTES, readPromptsFile } from './read-prompts-file.js';
import { UsageError } from './usage-error.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

describe('readPromptsFile', () => {
  it('reads a file within the limit', async () => {
    await writeFile(join(dir.path, 'p.txt'), 'one\ntwo\n');
    expect(await readPromptsFile(join(dir.path, 'p.txt'))).toBe('one\ntwo\n');
  });

  it('refuses a file over the limit before reading it, saying how to fix it', async () => {
    const file = join(dir.path, 'big.txt');
    await writeFile(file, '');
    await truncate(file, MAX_PROMPTS_FILE_BYTES + 1); // sparse: no memory, no disk
    const error = await readPromptsFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `${file} is 16.0 MiB; a batch file may be at most 16 MiB and 10000 prompts: split it into several files`,
    );
  });

  it('names a missing file', async () => {
    await expect(readPromptsFile(join(dir.path, 'nope.txt'))).rejects.toThrow(/cannot read .*nope\.txt: no such file/);
  });
});
