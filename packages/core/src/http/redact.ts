/**
 * Returns a function that replaces every occurrence of the given secrets in a string with `[redacted]`.
 * Used on everything that reaches an error message, so an API key echoed by a provider never escapes.
 */
export function createRedactor(secrets: Array<string | undefined>): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) out = out.split(secret).join('[redacted]');
    return out;
  };
}
