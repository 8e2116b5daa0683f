import type { FieldIssue } from '@pictor/core';
import { glob, stat } from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import { insideWorkspace, workspaceDir } from './workspace-path.js';

/** One image file an edit reads: where it is, and how the log and errors name it. */
export interface ImageFile {
  /** Absolute path inside the workspace. */
  path: string;
  /** As the user wrote it (a literal entry) or as the glob matched it (relative to the workspace). */
  display: string;
}

/** Characters that make an entry a glob (Node's `fs.glob`: wildcards, classes, braces, extglobs). */
const GLOB_MAGIC = /[*?[\]{}]|[!@+]\(/;
/** Path separators in a pattern: a backslash escapes a wildcard except on Windows. */
const SEPARATOR = process.platform === 'win32' ? /[\\/]/ : /\//;

/** The entries of a list input: separated by newlines or commas, trimmed, blanks dropped. */
export function listEntries(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function outside(input: string, entry: string, detail = ''): FieldIssue {
  return {
    field: input,
    message: `must stay inside the workspace (${workspaceDir()}), symbolic links followed; ${JSON.stringify(entry)}${detail}`,
  };
}

/**
 * Whether a glob could climb out of the folder its literal part names: a `..` after a wildcard (`*\/..`,
 * `**\/../..`) goes up by an amount only the matches decide, so it is refused before anything is listed.
 */
function climbsAfterWildcard(pattern: string): boolean {
  const segments = pattern.split(SEPARATOR);
  const firstMagic = segments.findIndex((segment) => GLOB_MAGIC.test(segment));
  return segments.slice(firstMagic).includes('..');
}

/** The folder a glob lists from: its segments before the first wildcard. */
function literalBase(pattern: string): string {
  const segments = pattern.split(SEPARATOR);
  const firstMagic = segments.findIndex((segment) => GLOB_MAGIC.test(segment));
  return segments.slice(0, firstMagic).join('/') || '.';
}

/** What a list input names: image files (`input-images`) or folders (`merge-manifests`). */
type EntryKind = 'file' | 'folder';

async function isKind(path: string, kind: EntryKind): Promise<boolean> {
  const info = await stat(path);
  return kind === 'file' ? info.isFile() : info.isDirectory();
}

async function resolveLiteral(
  input: string,
  entry: string,
  issues: FieldIssue[],
  kind: EntryKind,
): Promise<ImageFile[]> {
  const path = await insideWorkspace(entry).catch(() => undefined);
  if (!path) {
    issues.push(outside(input, entry));
    return [];
  }
  try {
    if (await isKind(path, kind)) return [{ path, display: entry }];
    issues.push({
      field: input,
      message:
        kind === 'file'
          ? `${JSON.stringify(entry)} is a folder: name files, or a glob such as dir/*.png`
          : `${JSON.stringify(entry)} is not a folder`,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    issues.push({
      field: input,
      message:
        code === 'ENOENT'
          ? `no ${kind} matches ${JSON.stringify(entry)}`
          : `cannot read ${JSON.stringify(entry)} (${code ?? 'error'})`,
    });
  }
  return [];
}

async function resolveGlob(
  input: string,
  pattern: string,
  issues: FieldIssue[],
  kind: EntryKind,
): Promise<ImageFile[]> {
  const workspace = workspaceDir();
  if (climbsAfterWildcard(pattern)) {
    issues.push(outside(input, pattern, ' goes up (..) after a wildcard'));
    return [];
  }
  if (!(await insideWorkspace(literalBase(pattern)).catch(() => undefined))) {
    issues.push(outside(input, pattern));
    return [];
  }
  const matches: string[] = [];
  for await (const match of glob(pattern, { cwd: workspace })) matches.push(match);
  matches.sort();
  const files: ImageFile[] = [];
  for (const match of matches) {
    // A match reached through a link that leads out (a committed `assets/x.png -> /etc/passwd`) refuses the input.
    const path = await insideWorkspace(match).catch(() => undefined);
    if (!path) {
      issues.push(outside(input, pattern, ` matches ${JSON.stringify(match)}, which lies outside`));
      return [];
    }
    // Folders a wildcard also matches (`assets/*`) are not images; files are (and the other way for folders).
    if (await isKind(path, kind).catch(() => false))
      files.push({ path, display: posix.normalize(match.replaceAll('\\', '/')) });
  }
  if (!files.length) issues.push({ field: input, message: `no ${kind} matches ${JSON.stringify(pattern)}` });
  return files;
}

/**
 * The files a list input names (`input-images`, `mask`): each entry a path or a glob, resolved against the
 * workspace, literal entries in the order given and each glob's matches sorted, every file once. An entry that
 * leads outside the workspace (`..`, an absolute path elsewhere, a symbolic link out) or matches no file is an
 * issue naming `input`; nothing outside is ever listed past the glob's own folder nor read.
 */
export function resolveImageFiles(input: string, text: string, issues: FieldIssue[]): Promise<ImageFile[]> {
  return resolveEntries(input, text, issues, 'file');
}

/** The folders a list input names (`merge-manifests`: shard folders), with the same workspace checks as files. */
export function resolveWorkspaceFolders(input: string, text: string, issues: FieldIssue[]): Promise<ImageFile[]> {
  return resolveEntries(input, text, issues, 'folder');
}

async function resolveEntries(
  input: string,
  text: string,
  issues: FieldIssue[],
  kind: EntryKind,
): Promise<ImageFile[]> {
  const files: ImageFile[] = [];
  const seen = new Set<string>();
  for (const entry of listEntries(text)) {
    const found = GLOB_MAGIC.test(entry)
      ? await resolveGlob(input, entry, issues, kind)
      : await resolveLiteral(input, entry, issues, kind);
    for (const file of found) {
      const key = resolve(file.path);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push(file);
    }
  }
  return files;
}
