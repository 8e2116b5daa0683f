import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Text a hostile provider puts in its error message: a workflow command after a newline, another after a lone
 * CR, the legacy `##[…]` form, and terminal escapes (clear screen, window title, an OSC 8 link).
 */
export const HOSTILE_MESSAGE =
  'model overloaded\n::error::injected-by-provider\r::add-mask::injected-mask ##[error]injected-legacy' +
  '\x1b[2J\x1b[H\x1b]0;owned-title\x07\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\';

export interface HostileTextProvider {
  /** Base URL of its OpenAI-compatible API (`…/v1`). */
  url: string;
  /** Requests it received. */
  requests(): number;
  close(): Promise<void>;
}

/** An OpenAI-compatible provider on 127.0.0.1 answering every request with a 400 carrying `HOSTILE_MESSAGE`. */
export async function startHostileTextProvider(): Promise<HostileTextProvider> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({ error: { message: HOSTILE_MESSAGE, type: 'invalid_request_error' } });
      res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Every line of a GitHub runner's view of a step's stdout that it would run as a workflow command: the runner
 * splits on CR, LF and CR LF, takes a line starting with `::` (after leading blanks) as a command, and the legacy
 * `##[command]` form anywhere in a line.
 */
export function workflowCommands(stdout: string): string[] {
  return stdout.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith('::') || line.includes('##['));
}
