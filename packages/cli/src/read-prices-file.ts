import { priceEntriesSchema, type PriceEntry } from '@pictor/core';
import { readFile } from 'node:fs/promises';
import { UsageError } from './usage-error.js';

/** Larger than any honest price table; a bigger file is a mistake (or an attack), not prices. */
const MAX_BYTES = 1024 * 1024;

/** `0.rule.usdPerMegapixel` → `[0].rule.usdPerMegapixel`: the entry by its position in the array. */
function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
}

/**
 * Reads `--prices <file>`: a JSON array of price entries checked with core's `priceEntriesSchema`. Any problem is a
 * usage error naming the file and the field (`--prices prices.json: [0].rule.usdPerMegapixel: …`).
 */
export async function readPricesFile(file: string): Promise<PriceEntry[]> {
  const where = `--prices ${file}`;
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.byteLength > MAX_BYTES)
      throw new Error(`it is ${bytes.byteLength} bytes; a price table is at most 1 MiB`);
    text = bytes.toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${where}: cannot be read: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not JSON: ${(error as Error).message}`);
  }
  const parsed = priceEntriesSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${fieldPath(issue.path) || '(the file)'}: ${issue.message}`);
    throw new UsageError(`${where}: ${issues.join('; ')} (a JSON array of { providers, model, rule, source? })`);
  }
  return parsed.data as PriceEntry[];
}
