import { priceEntriesSchema, type FieldIssue, type PriceEntry } from '@pictor/core';
import { readFile } from 'node:fs/promises';
import { insideWorkspace, workspaceDir } from './workspace-path.js';

/** Largest prices file read: a price table is a few KB. */
const MAX_BYTES = 1024 * 1024;
const LISTED_PROBLEMS = 5;

/**
 * `prices-file`: a JSON price table inside the workspace (core's `priceEntriesSchema`: an array of
 * `{ providers, model, rule, source? }`), for the client's `prices` — the user's prices win over the built-in ones.
 * Every problem is an issue naming the input and, for a bad entry, where in the file it is.
 */
export async function readPricesFile(
  input: string | undefined,
  issues: FieldIssue[],
): Promise<PriceEntry[] | undefined> {
  if (input === undefined) return undefined;
  const field = 'prices-file';
  const path = await insideWorkspace(input).catch(() => undefined);
  if (!path) {
    issues.push({
      field,
      message: `must be inside the workspace (${workspaceDir()}), symbolic links followed; got ${JSON.stringify(input)}`,
    });
    return undefined;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    issues.push({ field, message: `cannot be read: ${input} (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    return undefined;
  }
  if (text.length > MAX_BYTES) {
    issues.push({ field, message: `${input} is larger than ${MAX_BYTES} bytes` });
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    issues.push({ field, message: `${input} is not JSON (${(error as Error).message})` });
    return undefined;
  }
  const parsed = priceEntriesSchema.safeParse(data);
  if (parsed.success) return parsed.data as PriceEntry[];
  const problems = parsed.error.issues.slice(0, LISTED_PROBLEMS).map((issue) => {
    const at = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
    return `${at ? `${at.replace(/^\./, '')}: ` : ''}${issue.message}`;
  });
  issues.push({ field, message: `${input} is not a price table: ${problems.join('; ')}` });
  return undefined;
}
