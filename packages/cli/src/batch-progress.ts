import type { BatchEvent } from '@pictor/core/batch';
import cliProgress from 'cli-progress';
import type { Terminal } from './terminal.js';

export interface BatchProgress {
  onEvent(event: BatchEvent): void;
  stop(): void;
}

function shorten(prompt: string, max = 60): string {
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function describe(event: BatchEvent): string {
  const where = `line ${event.job.line} "${shorten(event.outcome.prompt)}"`;
  switch (event.type) {
    case 'saved': {
      const n = event.saved.images.length;
      const failed = event.outcome.error
        ? `; ${event.result.failures.length} failed: ${event.outcome.error.message}`
        : '';
      return `saved ${where}: ${n} image${n === 1 ? '' : 's'}${failed}`;
    }
    case 'skipped':
      return `skipped ${where}: already in the manifest`;
    case 'failed':
      return `failed ${where}: ${event.error.message}`;
  }
}

/**
 * Shows a batch's progress on stderr: a progress bar when stderr is a terminal, otherwise one plain line per
 * finished prompt (for logs and CI). Failures are printed in both cases.
 */
export function createBatchProgress(total: number, term: Terminal): BatchProgress {
  let done = 0;
  const counts = { generated: 0, skipped: 0, failed: 0 };
  const count = (event: BatchEvent): void => {
    const { status } = event.outcome;
    if (status === 'failed' || status === 'partial') counts.failed++;
    else if (status === 'skipped') counts.skipped++;
    else counts.generated++;
    done++;
  };

  if (!term.stderr.isTTY) {
    return {
      onEvent: (event) => {
        count(event);
        term.info(`[${done}/${total}] ${describe(event)}`);
      },
      stop: () => {},
    };
  }

  const bars = new cliProgress.MultiBar(
    {
      stream: term.stderr,
      format: ' {bar} {value}/{total} | {generated} new, {skipped} skipped, {failed} failed | {eta_formatted} left',
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(total, 0, counts);
  return {
    onEvent: (event) => {
      if (event.outcome.error) bars.log(`${term.clean(`pictor: error: ${describe(event)}`)}\n`);
      count(event);
      bar.update(done, counts);
    },
    stop: () => bars.stop(),
  };
}
