import type { FieldIssue } from '@pictor/core';

/** How a text field of a form or a query string is read: as it is, or as a whole number. */
export type TextFieldKind = 'text' | 'integer';

/**
 * Reads the text fields of a multipart form or a query string, where every value is a string: only the listed
 * fields are accepted, each at most once, and whole numbers are converted. Returns what was read and an issue
 * per bad field (named as the caller sent it).
 */
export function readTextFields(
  input: unknown,
  fields: Record<string, TextFieldKind>,
): { values: Record<string, string | number>; issues: FieldIssue[] } {
  const values: Record<string, string | number> = {};
  const issues: FieldIssue[] = [];
  const source = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const names = Object.keys(fields);
  for (const [name, value] of Object.entries(source)) {
    const kind = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (kind === undefined) issues.push({ field: name, message: `is not accepted here (send ${names.join(', ')})` });
    else if (typeof value !== 'string') issues.push({ field: name, message: 'must be given once, as text' });
    else if (kind === 'text') values[name] = value;
    else if (/^\d{1,9}$/.test(value.trim())) values[name] = Number(value.trim());
    else issues.push({ field: name, message: 'must be a whole number' });
  }
  return { values, issues };
}
