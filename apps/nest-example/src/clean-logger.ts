import { ConsoleLogger, type LoggerService, type LogLevel, type NestApplicationOptions } from '@nestjs/common';
import { stripControlPerLine } from './strip-control.js';

type Level = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

/** A string or an error with its control characters and escape sequences removed; anything else as is. */
function clean(part: unknown): unknown {
  if (typeof part === 'string') return stripControlPerLine(part);
  if (part instanceof Error) {
    const copy = new Error(stripControlPerLine(part.message));
    copy.name = stripControlPerLine(part.name);
    copy.stack = part.stack === undefined ? undefined : stripControlPerLine(part.stack);
    return copy;
  }
  return part; // Nest's ConsoleLogger prints objects as JSON, which escapes control characters.
}

/**
 * Wraps the app's logger so no line reaches a terminal with the escape sequences or control characters a
 * provider's message may carry (clear screen, window title, OSC 8 links), whoever logs it: this app, Nest or
 * terminus. Lines stay apart, so stack traces keep their shape.
 */
export class CleanLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  setLogLevels(levels: LogLevel[]): void {
    this.inner.setLogLevels?.(levels);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    const method = this.inner[level] ?? this.inner.log;
    method.call(this.inner, clean(message), ...rest.map(clean));
  }
}

/** The app's logger (Nest's `ConsoleLogger` unless one is given), wrapped in a `CleanLogger`. */
export function cleanLogger(given: NestApplicationOptions['logger']): LoggerService | false {
  if (given === false) return false;
  return new CleanLogger(
    given === undefined || Array.isArray(given) ? new ConsoleLogger(given ? { logLevels: given } : {}) : given,
  );
}
