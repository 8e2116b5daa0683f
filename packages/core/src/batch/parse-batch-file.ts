import { parse as parseYaml } from 'yaml';
import { ValidationError, type FieldIssue } from '../errors/index.js';
import { fileNamePatternProblem } from '../images/file-name.js';
import { normalizeRequest, type ImageRequest, type NormalizedRequest } from '../request/image-request.js';

/** One prompt of a batch, with its own overrides. */
export interface BatchJob {
  /** Where it came from: the line (JSONL, text) or item (YAML) number, 1-based. */
  line: number;
  /** Validated once here; `runBatch` and `generate` take it as it is. */
  request: ImageRequest | NormalizedRequest;
  /** A file-name pattern for this job only. */
  fileName?: string;
}

export type BatchFormat = 'jsonl' | 'yaml' | 'text';

/** Most prompts one batch file may hold. */
export const MAX_BATCH_PROMPTS = 10_000;
/** Longest batch text read, in characters (16 Mi). */
export const MAX_BATCH_CHARS = 16 * 1024 * 1024;
/** Problems reported at most: past these, parsing stops (a broken file would otherwise list a million). */
const MAX_ISSUES = 100;

/** Picks the format from a file name: `.jsonl`/`.ndjson`, `.yaml`/`.yml`, anything else one prompt per line. */
export function batchFormatOf(fileName: string): BatchFormat {
  if (/\.(jsonl|ndjson)$/i.test(fileName)) return 'jsonl';
  if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  return 'text';
}

/** The three ways to give a size; an item that gives one replaces whichever the defaults gave. */
const SIZE_FIELDS = ['size', 'width', 'height', 'aspectRatio'];

/** `over` on top of `base`, where a size in `over` (in any form) replaces the size in `base`. */
function mergeFields(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  if (!SIZE_FIELDS.some((field) => over[field] !== undefined)) return { ...base, ...over };
  const rest = Object.fromEntries(Object.entries(base).filter(([field]) => !SIZE_FIELDS.includes(field)));
  return { ...rest, ...over };
}

function toJob(
  raw: unknown,
  line: number,
  defaults: Partial<ImageRequest>,
  issues: FieldIssue[],
  where: string,
): BatchJob | undefined {
  const item = typeof raw === 'string' ? { prompt: raw } : raw;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    issues.push({ field: where, message: 'must be a prompt string or an object with a prompt' });
    return undefined;
  }
  const { fileName, ...fields } = item as Record<string, unknown>;
  if (fileName !== undefined && typeof fileName !== 'string') {
    issues.push({ field: `${where}.fileName`, message: 'must be a string' });
    return undefined;
  }
  const badName = typeof fileName === 'string' ? fileNamePatternProblem(fileName) : undefined;
  if (badName) {
    issues.push({ field: `${where}.fileName`, message: badName });
    return undefined;
  }
  let request: NormalizedRequest;
  try {
    request = normalizeRequest(mergeFields(defaults, fields));
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    for (const issue of error.issues) issues.push({ field: `${where}.${issue.field}`, message: issue.message });
    return undefined;
  }
  return { line, request, ...(fileName ? { fileName } : {}) };
}

/**
 * Reads a batch of prompts — the format the CLI's `batch` command and the Action's `prompts-file` share:
 * - `jsonl`: one JSON value a line, a prompt string or `{ "prompt": …, "n": …, "seed": …, "fileName": … }`;
 * - `yaml`: a list of the same, or `{ defaults: {…}, prompts: [...] }`;
 * - `text`: one prompt a line.
 * Blank lines and lines starting with `#` are skipped. Every job is validated with the request schema; the
 * problems are reported at once (the first 100), each named by line and field (e.g. `line 3.steps`). A file
 * holds at most {@link MAX_BATCH_PROMPTS} prompts and {@link MAX_BATCH_CHARS} characters.
 */
export function parseBatchFile(text: string, format: BatchFormat, defaults: Partial<ImageRequest> = {}): BatchJob[] {
  const tooBig = (what: string) =>
    new ValidationError([{ field: 'file', message: `${what}; split it into several batch files` }], 'batch file');
  if (text.length > MAX_BATCH_CHARS) throw tooBig(`is longer than ${MAX_BATCH_CHARS} characters`);
  const issues: FieldIssue[] = [];
  const jobs: BatchJob[] = [];
  const push = (job: BatchJob | undefined) => {
    if (!job) return;
    if (jobs.length >= MAX_BATCH_PROMPTS) throw tooBig(`holds more than ${MAX_BATCH_PROMPTS} prompts`);
    jobs.push(job);
  };
  const full = () => issues.length >= MAX_ISSUES;
  if (format === 'yaml') {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      throw new ValidationError(
        [{ field: 'file', message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` }],
        'batch file',
      );
    }
    let list: unknown = doc;
    let fileDefaults = defaults;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const { defaults: d, prompts } = doc as { defaults?: Record<string, unknown>; prompts?: unknown };
      fileDefaults = mergeFields(defaults, d ?? {}) as Partial<ImageRequest>;
      list = prompts;
    }
    if (!Array.isArray(list)) {
      throw new ValidationError([{ field: 'prompts', message: 'must be a list of prompts' }], 'batch file');
    }
    if (list.length > MAX_BATCH_PROMPTS) throw tooBig(`holds more than ${MAX_BATCH_PROMPTS} prompts`);
    for (let i = 0; i < list.length && !full(); i++) push(toJob(list[i], i + 1, fileDefaults, issues, `item ${i + 1}`));
  } else {
    // Line by line, without splitting the whole text first.
    for (let start = 0, i = 0; start <= text.length && !full(); i++) {
      const end = text.indexOf('\n', start);
      const line = text.slice(start, end === -1 ? text.length : end).trim();
      start = end === -1 ? text.length + 1 : end + 1;
      if (!line || line.startsWith('#')) continue;
      if (format === 'text') {
        push(toJob(line, i + 1, defaults, issues, `line ${i + 1}`));
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        issues.push({ field: `line ${i + 1}`, message: 'is not valid JSON' });
        continue;
      }
      push(toJob(value, i + 1, defaults, issues, `line ${i + 1}`));
    }
  }
  if (full()) issues.push({ field: 'file', message: `stopped after ${MAX_ISSUES} problems` });
  if (issues.length) throw new ValidationError(issues, 'batch file');
  if (jobs.length === 0) throw new ValidationError([{ field: 'file', message: 'holds no prompts' }], 'batch file');
  return jobs;
}
