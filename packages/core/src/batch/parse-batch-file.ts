import { parse as parseYaml } from 'yaml';
import { ValidationError, type FieldIssue } from '../errors/index.js';
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

function toJob(raw: unknown, line: number, defaults: Partial<ImageRequest>, issues: FieldIssue[], where: string): BatchJob | undefined {
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
 * Blank lines and lines starting with `#` are skipped. Every job is validated with the request schema; all
 * problems are reported at once, each named by line and field (e.g. `line 3.steps`).
 */
export function parseBatchFile(text: string, format: BatchFormat, defaults: Partial<ImageRequest> = {}): BatchJob[] {
  const issues: FieldIssue[] = [];
  const jobs: BatchJob[] = [];
  const push = (job: BatchJob | undefined) => job && jobs.push(job);
  if (format === 'yaml') {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      throw new ValidationError([{ field: 'file', message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` }], 'batch file');
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
    list.forEach((item, i) => push(toJob(item, i + 1, fileDefaults, issues, `item ${i + 1}`)));
  } else {
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#')) return;
      if (format === 'text') return push(toJob(line, i + 1, defaults, issues, `line ${i + 1}`));
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        issues.push({ field: `line ${i + 1}`, message: 'is not valid JSON' });
        return;
      }
      push(toJob(value, i + 1, defaults, issues, `line ${i + 1}`));
    });
  }
  if (issues.length) throw new ValidationError(issues, 'batch file');
  if (jobs.length === 0) throw new ValidationError([{ field: 'file', message: 'holds no prompts' }], 'batch file');
  return jobs;
}
