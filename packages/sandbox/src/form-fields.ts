/**
 * A multipart form's text fields as the JSON the spec's schema describes: a field whose property admits an
 * integer, a number or a boolean is converted when its text is one; anything else stays a string, so the
 * spec's own check names a wrong type (`n=many` is "expected an integer").
 */
export function formFieldsToJson(
  fields: Record<string, string>,
  types: Record<string, string[]>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(fields)) {
    const allowed = types[name] ?? [];
    if ((allowed.includes('integer') || allowed.includes('number')) && /^-?\d+(\.\d+)?$/.test(text.trim())) {
      body[name] = Number(text.trim());
    } else if (allowed.includes('boolean') && (text === 'true' || text === 'false')) {
      body[name] = text === 'true';
    } else {
      body[name] = text;
    }
  }
  return body;
}
