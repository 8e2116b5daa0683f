import { open } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A free file name for one image: `<stem>.<ext>` when it is free or already this request's own (`owned`, from the
 * manifest: saving the same request again rewrites its files), else `<stem>-2.<ext>`, `-3`, … Free names are
 * claimed by creating the file exclusively, so two requests saved at once never get the same one — a pattern
 * that names two prompts alike (`--file-name shot`) never lets one overwrite the other, nor a file of the user's.
 */
export async function claimFileName(
  folder: string,
  stem: string,
  extension: string,
  owned: ReadonlySet<string>,
): Promise<string> {
  for (let n = 1; n <= 1000; n++) {
    const file = n === 1 ? `${stem}.${extension}` : `${stem}-${n}.${extension}`;
    if (owned.has(file)) return file;
    try {
      await (await open(join(folder, file), 'wx')).close();
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`No free file name for ${stem}.${extension} in ${folder} after 1000 tries`);
}
