import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStreamProgress } from './stream-progress.js';
import { Terminal } from './terminal.js';

function terminal(isTTY: boolean) {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY, columns: 100 });
  const term = new Terminal(stdout as unknown as NodeJS.WriteStream, stderr as unknown as NodeJS.WriteStream);
  return { term, out: () => String(stdout.read() ?? ''), err: () => String(stderr.read() ?? '') };
}

const preview = (index: number, partialIndex: number) => ({
  index,
  partialIndex,
  bytes: new Uint8Array(3000),
  mediaType: 'image/png',
});

describe('createStreamProgress', () => {
  it('without a terminal, prints one line per preview on stderr and nothing on stdout', () => {
    const { term, out, err } = terminal(false);
    const progress = createStreamProgress({ images: 2, partials: 3 }, term);
    progress.onPartial(preview(0, 0));
    progress.onPartial(preview(1, 2));
    progress.stop();
    expect(err()).toBe(
      'pictor: partial 1/3 of image 1/2 received (3 KB)\npictor: partial 3/3 of image 2/2 received (3 KB)\n',
    );
    expect(out()).toBe('');
  });

  it('on a terminal, the bar shows previews received of those asked for and the latest "partial k/n"', () => {
    const { term, out, err } = terminal(true);
    const progress = createStreamProgress({ images: 2, partials: 2 }, term);
    expect(err()).toMatch(/0\/4 previews \| waiting for the first preview/);
    progress.onPartial(preview(0, 0));
    progress.onPartial(preview(1, 0));
    progress.onPartial(preview(0, 1));
    progress.stop();
    const shown = err();
    expect(shown).toMatch(/3\/4 previews \| partial 2\/2 of image 1\/2/);
    expect(shown).not.toMatch(/received/);
    expect(out()).toBe('');
  });
});
