import type { ErrorContext } from './report-error.js';
import type { Terminal } from './terminal.js';

/** Shared by the commands of one run: where to print, what an error report should mention, the exit code. */
export interface CommandContext {
  term: Terminal;
  errorContext: ErrorContext;
  exitCode: number;
}
