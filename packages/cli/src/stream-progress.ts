import type { PartialImage } from '@pictor/core';
import cliProgress from 'cli-progress';
import type { Terminal } from './terminal.js';

export interface StreamProgress {
  onPartial(partial: PartialImage): void;
  stop(): void;
}

export interface StreamShape {
  /** Images asked for. */
  images: number;
  /** Previews asked for per image. */
  partials: number;
}

function kilobytes(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** `partial 2/3 of image 1/4`: 1-based, as a person counts. */
function state(partial: PartialImage, shape: StreamShape): string {
  return `partial ${partial.partialIndex + 1}/${shape.partials} of image ${partial.index + 1}/${shape.images}`;
}

/**
 * Shows previews as they arrive, on stderr only: a bar on a terminal (previews received of those asked for, and
 * the latest `partial k/n`), otherwise one plain line per preview (logs, CI, `--json` runs).
 */
export function createStreamProgress(shape: StreamShape, term: Terminal): StreamProgress {
  if (!term.stderr.isTTY) {
    return {
      onPartial: (partial) =>
        term.info(`pictor: ${state(partial, shape)} received (${kilobytes(partial.bytes.length)})`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: term.stderr,
      format: ' {bar} {value}/{total} previews | {state}',
      barsize: 20,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let received = 0;
  bar.start(Math.max(1, shape.images * shape.partials), 0, { state: 'waiting for the first preview' });
  return {
    onPartial: (partial) => {
      received++;
      bar.update(received, { state: state(partial, shape) });
    },
    stop: () => bar.stop(),
  };
}
