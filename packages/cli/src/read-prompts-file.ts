import { readFile, stat } from 'node:fs/promises';
import { UsageError } from './usage-error.js';

/**
 * Largest prompts file read, in bytes: the same bound core's `parseBatchFile` puts on a batch's text (a file is
 * read whole, then every prompt validated; a million-line file once took 585 MiB before its first error).
 */
export const MAX_PROMPTS_FILE_BYTES = 16 * 1024 * 1024;

/** Reads a batch's prompts file, refusing one too large to hold before reading any of it. */
export async function readPromptsFile(file: string): Promise<string> {
  try {
    const { size } = await stat(file);
    if (size > MAX_PROMPTS_FILE_BYTES) {
      throw new UsageError(
        `${file} is ${(size / (1024 * 1024)).toFixed(1)} MiB; a batch file may be at most ${MAX_PROMPTS_FILE_BYTES / (1024 * 1024)} MiB ` +
          'and 10000 prompts: split it into several files',
      );
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}
