import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/** The workspace the Action's paths are relative to: the runner's `GITHUB_WORKSPACE`, or the working directory. */
export function workspaceDir(): string {
  return resolve(process.env.GITHUB_WORKSPACE || process.cwd());
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `path` with every link of its longest existing ancestor resolved (the rest does not exist yet). */
async function realPathSoFar(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    const parent = dirname(path);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw error;
    return resolve(await realPathSoFar(parent), relative(parent, path));
  }
}

/**
 * `input` resolved against the workspace, when it stays inside it both as written and with every symbolic link
 * followed (a committed link to `/etc` or `~/.ssh` is refused); undefined otherwise.
 */
export async function insideWorkspace(input: string): Promise<string | undefined> {
  const workspace = workspaceDir();
  const path = resolve(workspace, input);
  if (!isInside(workspace, path)) return undefined;
  const [realWorkspace, realPath] = await Promise.all([realpath(workspace), realPathSoFar(path)]);
  return isInside(realWorkspace, realPath) ? path : undefined;
}
