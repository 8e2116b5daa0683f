import { EXIT } from './exit-codes.js';
import type { Terminal } from './terminal.js';

export interface InterruptSignal {
  signal: AbortSignal;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Turns the first Ctrl-C (SIGINT) or SIGTERM into an aborted signal, so the command stops starting work, aborts
 * what is in flight and reports what it kept. A second Ctrl-C quits at once with 130.
 */
export function interruptSignal(term: Terminal, what: string): InterruptSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      term.info('pictor: quitting now');
      process.exit(EXIT.interrupted);
    }
    term.info(
      `pictor: ${name === 'SIGINT' ? 'interrupted' : 'terminated'}: ${what} (press Ctrl-C again to quit at once)`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
