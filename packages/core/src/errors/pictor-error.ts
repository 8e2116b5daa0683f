const marker = Symbol.for('pictor.error');

/** The class names of an error's chain, e.g. `['RateLimitError', 'APIError', 'PictorError']`. */
function classChain(target: object): string[] {
  const names: string[] = [];
  for (
    let proto = Object.getPrototypeOf(target);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    names.push(proto.constructor.name);
  }
  return names;
}

export interface PictorErrorOptions {
  cause?: unknown;
  /** HTTP attempts made before this error was raised (0 when none was sent). */
  attempts?: number;
}

/**
 * The base of every error Pictor raises. `PictorError.isInstance(e)` works across duplicated copies of the
 * package (it checks a `Symbol.for` marker, not the prototype chain).
 */
export class PictorError extends Error {
  /** Class names of this error's chain; what `isInstance` checks, so it works across package copies. */
  readonly [marker]: readonly string[];
  /** HTTP attempts made before this error was raised (0 when no request was sent). */
  attempts: number;
  /** Whether repeating the same request could succeed. */
  readonly isRetryable: boolean = false;

  constructor(message: string, options: PictorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this[marker] = classChain(this);
    this.attempts = options.attempts ?? 0;
  }

  /**
   * Whether `error` is an instance of this class (or a subclass), even when it comes from another copy of
   * `@pictor/core`: `RateLimitError.isInstance(e)`, `PictorError.isInstance(e)`.
   */
  static isInstance<T extends PictorError>(this: abstract new (...args: never[]) => T, error: unknown): error is T {
    const chain = typeof error === 'object' && error !== null ? (error as Record<symbol, unknown>)[marker] : undefined;
    return Array.isArray(chain) && chain.includes(this.name);
  }

  /** A plain object for logs and JSON output; never contains the API key. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, attempts: this.attempts };
  }
}
