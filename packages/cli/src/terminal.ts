import { stripControl } from '@pictor/core';

/**
 * Everything `pictor` prints goes through here: data on stdout, messages on stderr, every secret the command knows
 * about (the API key) replaced by `[redacted]`, and every escape sequence and control character removed (prompts,
 * file names and provider messages are someone else's text: none may clear the screen, retitle the window, plant
 * an OSC 8 link or rewrite a line with CR) before it reaches either stream.
 */
export class Terminal {
  readonly #secrets: string[] = [];

  constructor(
    readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Never print this value. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4 && !this.#secrets.includes(secret)) this.#secrets.push(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  /** `text` as it may be printed: without secrets, escape sequences or control characters (TAB and LF stay). */
  clean(text: string): string {
    return this.redact(stripControl(text));
  }

  /** A line of data on stdout. */
  out(line: string): void {
    this.stdout.write(`${this.clean(line)}\n`);
  }

  /** One JSON document on stdout. */
  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  /** A line for the human on stderr. */
  info(line: string): void {
    this.stderr.write(`${this.clean(line)}\n`);
  }

  warn(message: string): void {
    this.info(`pictor: warning: ${message}`);
  }

  error(message: string): void {
    this.info(`pictor: error: ${message}`);
  }
}
