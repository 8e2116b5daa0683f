/**
 * Parses a `GITHUB_OUTPUT` file as the runner does: `name=value` lines and `name<<DELIMITER` blocks (what
 * `@actions/core` writes) whose value runs until a line holding only the delimiter.
 */
export function parseGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const [, name, delimiter] = block;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end < 0) throw new Error(`output ${name} has no closing delimiter`);
      outputs[name!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      outputs[line.slice(0, at)] = line.slice(at + 1);
    } else if (line.trim()) {
      throw new Error(`unexpected line in GITHUB_OUTPUT: ${line}`);
    }
  }
  return outputs;
}
