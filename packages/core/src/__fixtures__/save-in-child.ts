// Run in a child process by manifest-lock.test.ts (bundled with esbuild): saves `count` one-image results into one
// folder, every one named `shot` (so every process claims from the same file names), then exits.
import { makePng } from './make-png.js';
import { describeImage } from '../images/describe-image.js';
import { GeneratedImage } from '../images/generated-image.js';
import { normalizeRequest } from '../request/image-request.js';
import { saveImages } from '../storage/save-images.js';

const [dir, worker, count] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
for (let i = 0; i < count; i++) {
  const prompt = `worker ${worker} image ${i}`;
  // A picture of its own per save (size by worker, pixels by index), so an overwritten file would show.
  const bytes = makePng(4 + worker, 4, i);
  await saveImages(
    {
      operation: 'generate',
      provider: 'sandbox',
      model: 'black-forest-labs/FLUX.1-schnell',
      prompt,
      request: normalizeRequest({ prompt }),
      images: [new GeneratedImage({ index: 0, bytes, ...describeImage(bytes) })],
      failures: [],
      warnings: [],
      calls: [],
      usage: undefined,
      cost: { usd: undefined, basis: 'unknown' },
    },
    dir,
    { fileName: 'shot' },
  );
}
