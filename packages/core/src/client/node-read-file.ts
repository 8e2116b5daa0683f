import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ReadInputFile } from './read-input-file.js';

/**
 * Reads an edit's input file on Node: refused when it is not a regular file or is larger than `maxBytes` (checked
 * on the open handle before reading, so a huge file is never loaded). The error names the path; the field is
 * named by the caller.
 */
export const nodeReadFile: ReadInputFile = async (path, maxBytes) => {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${path} is not a file`);
    if (stat.size > maxBytes) throw new Error(`${path} is ${stat.size} bytes; inputs are at most ${maxBytes}`);
    return { bytes: new Uint8Array(await handle.readFile()), name: basename(path) };
  } finally {
    await handle.close();
  }
};
