import type { BatchEvent } from '@pictor/core';
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
  const where = `line ${event.job.line} "${shorten(String(event.job.request.prompt))}"`;
  switch (event.type) {
    case 'saved': {
      const n = event.saved.images.length;
      return `saved ${where}: ${n} image${n === 1 ? '' : 's'}`;
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
  const count = (event: BatchEvent) => {
    // A prompt that partly failed sends `failed` and then `saved`: count it once, as failed.
    if (event.type === 'failed') counts.failed++;
    else if (event.type === 'skipped') counts.skipped++;
    else if (event.result.failures.length === 0) counts.generated++;
    if (event.type === 'saved' && event.result.failures.length) return false;
    done++;
    return true;
  };

  if (!term.stderr.isTTY) {
    return {
      onEvent: (event) => {
        if (!count(event) && event.type === 'saved') return;
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
      if (event.type === 'failed') bars.log(`${term.redact(`pictor: error: ${describe(event)}`)}\n`);
      if (count(event)) bar.update(done, counts);
    },
    stop: () => bars.stop(),
  };
}
