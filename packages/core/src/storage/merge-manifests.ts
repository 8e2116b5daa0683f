import { createHash } from 'node:crypto';
import { lstat, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sniffMediaType } from '../images/sniff-media-type.js';
import { claimFileName } from './claim-file-name.js';
import { matchesRecord, readFolderFile } from './folder-file.js';
import {
  MANIFEST_FILE,
  readManifest,
  updateManifest,
  type ManifestEntry,
  type ManifestImage,
  type ManifestWarning,
} from './manifest.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface MergeManifestsOptions {
  /** Told once per entry a manifest holds with a file that is not a plain name inside its folder (never followed). */
  onWarning?: (warning: ManifestWarning & { source: string }) => void;
}

/** An entry copied into the target folder (new there, or replacing an older or incomplete one). */
export interface MergedEntry {
  key: string;
  prompt: string;
  /** The folder it came from (absolute). */
  source: string;
  /** Its file names in the target folder (renamed when a name was taken). */
  files: string[];
}

/** An entry the target already holds with the same images (merging again changes nothing). */
export interface SkippedEntry {
  key: string;
  prompt: string;
  source: string;
}

/** One side of a conflict. */
export interface ConflictSide {
  /** The folder the entry is in (the target folder for an entry it already held). */
  source: string;
  createdAt: string;
  complete: boolean;
}

/** The same key with different images in two folders: one is kept, the other is not merged. */
export interface MergeConflict {
  key: string;
  prompt: string;
  kept: ConflictSide;
  dropped: ConflictSide;
  /** Why `kept` won: it is complete and the other is not, or it is newer, or it came first (same age). */
  reason: 'complete' | 'newer' | 'first';
}

/** Something wrong in a source folder; the entry it names (if any) is not merged, the others are. */
export interface MergeProblem {
  kind:
    | 'no-manifest'
    | 'unreadable-manifest'
    | 'unsafe-entry'
    | 'missing-file'
    | 'checksum-mismatch'
    | 'not-an-image'
    | 'copy-failed';
  source: string;
  key?: string;
  /** The file as the source manifest names it (untrusted text: strip controls before printing it). */
  file?: string;
  message: string;
}

export interface MergeReport {
  /** The target folder (absolute). */
  into: string;
  manifestPath: string;
  merged: MergedEntry[];
  skipped: SkippedEntry[];
  conflicts: MergeConflict[];
  problems: MergeProblem[];
}

interface Candidate {
  entry: ManifestEntry;
  source: string;
  /** Complete: no failed image, at least one, and (for the target's own entry) every file intact. */
  complete: boolean;
  /** The target folder's own entry, already in place. */
  inPlace: boolean;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** An image's bytes, read from `dir` only when they are what the manifest records: size, sha256, and format. */
async function readChecked(
  dir: string,
  image: ManifestImage,
): Promise<{ bytes: Buffer; extension: string } | Omit<MergeProblem, 'source' | 'key'>> {
  const shown = JSON.stringify(image.file);
  const bytes = await readFolderFile(dir, image.file);
  if (!bytes) return { kind: 'missing-file', file: image.file, message: `${shown} is missing (or not a regular file)` };
  if (bytes.length !== image.bytes || sha256(bytes) !== image.sha256) {
    const message = `${shown} does not match its manifest record (size or sha256 differs)`;
    return { kind: 'checksum-mismatch', file: image.file, message };
  }
  const sniffed = sniffMediaType(bytes);
  if (!sniffed || sniffed.mediaType !== image.mediaType) {
    const message = `${shown} is not the ${image.mediaType} its manifest records`;
    return { kind: 'not-an-image', file: image.file, message };
  }
  return { bytes, extension: sniffed.extension };
}

const isComplete = (entry: ManifestEntry): boolean => entry.images.length > 0 && !entry.failures?.length;

/** Whether two entries hold the same images (by index and sha256) and the same failures. */
function sameImages(a: ManifestEntry, b: ManifestEntry): boolean {
  const images = (e: ManifestEntry) =>
    JSON.stringify([
      e.images.map((i) => [i.index, i.sha256]).sort(),
      (e.failures ?? []).map((f) => f.index).sort((x, y) => x - y),
    ]);
  return images(a) === images(b);
}

function age(entry: ManifestEntry): number {
  const time = Date.parse(entry.createdAt);
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

/** Which of two different entries for one key to keep: the complete one, else the newer, else the one held first. */
function decide(held: Candidate, next: Candidate): { winner: Candidate; reason: MergeConflict['reason'] } {
  if (held.complete !== next.complete) return { winner: held.complete ? held : next, reason: 'complete' };
  const [heldAge, nextAge] = [age(held.entry), age(next.entry)];
  if (heldAge !== nextAge) return { winner: nextAge > heldAge ? next : held, reason: 'newer' };
  return { winner: held, reason: 'first' };
}

const side = (c: Candidate): ConflictSide => ({
  source: c.source,
  createdAt: c.entry.createdAt,
  complete: c.complete,
});

/**
 * Joins the manifests of several folders (each shard's output, downloaded artifacts) into `into`: each entry's
 * images are copied in atomically — a name another entry or file already holds gets `-2`, `-3`, … as `saveImages`
 * claims names — and recorded in `into`'s manifest. Sources are untrusted: an entry is merged only when every file
 * is in its folder with the recorded size, sha256 and format; otherwise it is reported and the others go on.
 * Entries are by key: the same images under one key are one entry (`skipped` when `into` already holds them, so
 * merging twice changes nothing); different images under one key are a conflict, and the complete one, else the
 * newer, is kept. Entries `into` already holds stay. A replaced entry's old files are left on disk, never deleted.
 */
export async function mergeManifests(
  into: string,
  sources: readonly string[],
  options: MergeManifestsOptions = {},
): Promise<MergeReport> {
  const dir = resolve(into);
  await mkdir(dir, { recursive: true });
  const report: MergeReport = {
    into: dir,
    manifestPath: join(dir, MANIFEST_FILE),
    merged: [],
    skipped: [],
    conflicts: [],
    problems: [],
  };
  const target = await readManifest(dir, { onWarning: (w) => options.onWarning?.({ ...w, source: dir }) });
  const held = new Map<string, Candidate>();
  const targetEntries = new Map(target.entries.map((entry) => [entry.key, entry]));
  // The entry a key holds so far; the target's own files are checked only for keys a source also has.
  const heldFor = async (key: string): Promise<Candidate | undefined> => {
    const entry = targetEntries.get(key);
    if (held.has(key) || !entry) return held.get(key);
    const intact = await everyFileIntact(dir, entry);
    const candidate = { entry, source: dir, complete: isComplete(entry) && intact, inPlace: intact };
    held.set(key, candidate);
    return candidate;
  };

  for (const source of sources.map((s) => resolve(s))) {
    // A glob over the shards' folders may match the target itself: it adds nothing (and may have no manifest yet).
    if (source === dir) continue;
    for (const candidate of await readSource(source, report, options)) {
      const current = await heldFor(candidate.entry.key);
      const { key, prompt } = candidate.entry;
      if (!current) held.set(key, candidate);
      else if (sameImages(current.entry, candidate.entry) && (current.inPlace || current.source !== dir)) {
        report.skipped.push({ key, prompt, source });
      } else if (sameImages(current.entry, candidate.entry)) {
        held.set(key, candidate); // the target's own files are damaged: this copy repairs them
      } else {
        const { winner, reason } = decide(current, candidate);
        const loser = winner === current ? candidate : current;
        report.conflicts.push({ key, prompt, kept: side(winner), dropped: side(loser), reason });
        held.set(key, winner);
      }
    }
  }

  const owned = new Map(target.entries.map((e) => [e.key, new Set(e.images.map((i) => i.file))]));
  const entries: ManifestEntry[] = [];
  for (const candidate of held.values()) {
    if (candidate.source === dir) continue;
    const entry = await copyEntry(candidate, dir, owned.get(candidate.entry.key) ?? new Set(), report);
    if (entry) entries.push(entry);
  }
  if (entries.length) {
    await updateManifest(dir, (manifest) => {
      const keys = new Set(entries.map((e) => e.key));
      manifest.entries = [...manifest.entries.filter((e) => !keys.has(e.key)), ...entries];
    });
  }
  return report;
}

async function everyFileIntact(dir: string, entry: ManifestEntry): Promise<boolean> {
  for (const image of entry.images) if (!(await matchesRecord(dir, image))) return false;
  return true;
}

/** A source folder's entries whose files all check out; everything else goes to the report's problems. */
async function readSource(source: string, report: MergeReport, options: MergeManifestsOptions): Promise<Candidate[]> {
  const problem = (p: Omit<MergeProblem, 'source'>) => report.problems.push({ ...p, source });
  const info = await lstat(join(source, MANIFEST_FILE)).catch(() => undefined);
  if (!info?.isFile()) {
    problem({ kind: 'no-manifest', message: `${source} holds no ${MANIFEST_FILE}` });
    return [];
  }
  let entries: ManifestEntry[];
  try {
    const onWarning = (warning: ManifestWarning) => {
      options.onWarning?.({ ...warning, source });
      problem({ kind: 'unsafe-entry', key: warning.key, file: warning.file, message: warning.message });
    };
    entries = (await readManifest(source, { onWarning })).entries;
  } catch (error) {
    problem({ kind: 'unreadable-manifest', message: (error as Error).message });
    return [];
  }
  const candidates: Candidate[] = [];
  for (const entry of entries) {
    let ok = true;
    for (const image of entry.images) {
      const checked = await readChecked(source, image);
      if ('bytes' in checked) continue;
      problem({
        ...checked,
        key: entry.key,
        message: `entry ${entry.key.slice(0, 16)} not merged: ${checked.message}`,
      });
      ok = false;
      break;
    }
    if (ok) candidates.push({ entry, source, complete: isComplete(entry), inPlace: false });
  }
  return candidates;
}

/**
 * Copies one entry's files into `dir` under free names, every file read and checked again first (the folder may
 * have changed since), so a bad file writes nothing. The entry as the target's manifest will hold it, or undefined
 * (reported).
 */
async function copyEntry(
  { entry, source }: Candidate,
  dir: string,
  owned: ReadonlySet<string>,
  report: MergeReport,
): Promise<ManifestEntry | undefined> {
  const notMerged = (message: string) => `entry ${entry.key.slice(0, 16)} not merged: ${message}`;
  const files: Array<{ image: ManifestImage; bytes: Buffer; extension: string }> = [];
  for (const image of entry.images) {
    const checked = await readChecked(source, image);
    if (!('bytes' in checked)) {
      report.problems.push({ ...checked, source, key: entry.key, message: notMerged(checked.message) });
      return undefined;
    }
    files.push({ image, ...checked });
  }
  const claimed: string[] = [];
  const images: ManifestImage[] = [];
  try {
    for (const { image, bytes, extension } of files) {
      const dot = image.file.lastIndexOf('.');
      const file = await claimFileName(dir, dot > 0 ? image.file.slice(0, dot) : image.file, extension, owned);
      if (!owned.has(file)) claimed.push(file);
      await writeFileAtomic(join(dir, file), bytes);
      images.push({ ...image, file });
    }
  } catch (error) {
    // Names claimed for this entry are freed again (a full disk, a read-only folder).
    await Promise.all(claimed.map((file) => rm(join(dir, file), { force: true })));
    report.problems.push({ kind: 'copy-failed', source, key: entry.key, message: notMerged((error as Error).message) });
    return undefined;
  }
  report.merged.push({ key: entry.key, prompt: entry.prompt, source, files: images.map((i) => i.file) });
  return { ...entry, images };
}
