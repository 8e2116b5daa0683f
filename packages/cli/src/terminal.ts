/**
 * Everything `pictor` prints goes through here: data on stdout, messages on stderr, and every secret the
 * command knows about (the API key) replaced by `[redacted]` before it reaches either stream.
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

  /** A line of data on stdout. */
  out(line: string): void {
    this.stdout.write(`${this.redact(line)}\n`);
  }

  /** One JSON document on stdout. */
  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  /** A line for the human on stderr. */
  info(line: string): void {
    this.stderr.write(`${this.redact(line)}\n`);
  }

  warn(message: string): void {
    this.info(`pictor: warning: ${message}`);
  }

  error(message: string): void {
    this.info(`pictor: error: ${message}`);
  }
}
