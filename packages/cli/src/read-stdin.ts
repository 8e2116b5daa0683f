import { UsageError } from './usage-error.js';

/** Reads the API key piped to stdin (`--api-key-stdin`): the whole input, trimmed. */
export async function readKeyFromStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stdin.isTTY)
    throw new UsageError('--api-key-stdin reads the key from a pipe, e.g. `pass show together | pictor …`');
  let text = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) text += chunk as string;
  const key = text.trim();
  if (!key) throw new UsageError('--api-key-stdin: stdin was empty');
  if (/\s/.test(key)) throw new UsageError('--api-key-stdin: expected one key, got several words or lines');
  return key;
}
