/**
 * Micro-benchmark (not a test): decode speed and peak RSS of `parseImagesBody` against the naive
 * `JSON.parse(text)` + `Buffer.from(b64, 'base64')`, on a response carrying 4 images of 4 MiB each.
 *
 *   npx tsx src/images-body-parser.bench.ts
 *
 * Each measurement runs in its own child process, so peak RSS (`maxRSS`) is not shared between variants.
 * The body is produced in 64 KiB chunks from the raw image bytes, as a socket would deliver it; the raw
 * images themselves are part of every variant's baseline.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseImagesBody } from './images-body-parser.js';

const IMAGES = 4;
const IMAGE_BYTES = 4 * 1024 * 1024;
const CHUNK = 64 * 1024;
const RUNS = 10;

type Variant = 'drain' | 'stream' | 'json-parse';

/** The JSON body, chunk by chunk, built from `images` on the fly (48 KiB of bytes → 64 KiB of base64). */
function* body(images: Buffer[]): Generator<Buffer> {
  let pending: Buffer[] = [Buffer.from('{"created":1735000000,"data":[')];
  let size = pending[0]?.length ?? 0;
  const flush = function* (): Generator<Buffer> {
    const all = Buffer.concat(pending);
    for (let at = 0; at + CHUNK <= all.length; at += CHUNK) yield all.subarray(at, at + CHUNK);
    const rest = all.subarray(all.length - (all.length % CHUNK));
    pending = rest.length > 0 ? [rest] : [];
    size = rest.length;
  };
  for (const [index, image] of images.entries()) {
    pending.push(Buffer.from(`${index > 0 ? ',' : ''}{"index":${index},"type":"b64_json","b64_json":"`));
    for (let at = 0; at < image.length; at += (CHUNK / 4) * 3) {
      const piece = Buffer.from(image.subarray(at, at + (CHUNK / 4) * 3).toString('base64'), 'latin1');
      pending.push(piece);
      size += piece.length;
      if (size >= CHUNK) yield* flush();
    }
    pending.push(Buffer.from('"}'));
  }
  pending.push(Buffer.from('],"usage":{"total_tokens":0}}'));
  yield* flush();
  if (pending[0]) yield pending[0];
}

async function* asAsync(chunks: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks;
}

async function runOnce(variant: Variant, images: Buffer[]): Promise<number> {
  let decoded = 0;
  if (variant === 'drain') {
    for await (const chunk of asAsync(body(images))) decoded += chunk.length;
  } else if (variant === 'stream') {
    const { binaries } = await parseImagesBody(asAsync(body(images)));
    decoded = binaries.reduce((sum, b) => sum + b.length, 0);
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of asAsync(body(images))) chunks.push(chunk);
    const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: Array<{ b64_json: string }> };
    decoded = json.data.map((item) => Buffer.from(item.b64_json, 'base64')).reduce((sum, b) => sum + b.length, 0);
  }
  return decoded;
}

/** Child process: one variant, either timed over several runs or a single run for peak RSS. */
async function child(variant: Variant, mode: 'speed' | 'rss'): Promise<void> {
  const images = Array.from({ length: IMAGES }, () => randomBytes(IMAGE_BYTES));
  const baseRss = process.resourceUsage().maxRSS;
  if (mode === 'rss') {
    await runOnce(variant, images);
    const peak = process.resourceUsage().maxRSS;
    console.log(JSON.stringify({ baseMiB: baseRss / 1024, peakMiB: peak / 1024 }));
    return;
  }
  let bodyBytes = 0;
  for (const chunk of body(images)) bodyBytes += chunk.length;
  await runOnce(variant, images);
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await runOnce(variant, images);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)] ?? Number.NaN;
  console.log(JSON.stringify({ medianMs: median, bodyBytes }));
}

function spawn(variant: Variant, mode: 'speed' | 'rss'): Record<string, number> {
  const script = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, [...process.execArgv, script, variant, mode], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
}

const [variantArg, modeArg] = process.argv.slice(2);
if (variantArg && modeArg) {
  await child(variantArg as Variant, modeArg as 'speed' | 'rss');
} else {
  console.log(
    `${IMAGES} images × ${IMAGE_BYTES / 1024 / 1024} MiB, body in ${CHUNK / 1024} KiB chunks, node ${process.version}`,
  );
  console.log('drain = producing the body alone (base64-encoding the images), the cost inside every variant');
  let sourceMs = 0;
  for (const variant of ['drain', 'stream', 'json-parse'] as const) {
    const speed = spawn(variant, 'speed');
    const rss = spawn(variant, 'rss');
    const ms = speed.medianMs ?? 0;
    const megabytes = (speed.bodyBytes ?? 0) / 1e6;
    if (variant === 'drain') sourceMs = ms;
    const net =
      variant === 'drain' ? '' : `, ${(megabytes / ((ms - sourceMs) / 1e3)).toFixed(0)} MB/s net of the source`;
    const peak = rss.peakMiB ?? 0;
    const base = rss.baseMiB ?? 0;
    console.log(
      `${variant.padEnd(10)} ${ms.toFixed(1).padStart(6)} ms: ${(megabytes / (ms / 1e3)).toFixed(0)} MB/s of body${net};` +
        ` peak RSS ${peak.toFixed(0)} MiB (+${(peak - base).toFixed(0)} MiB over ${base.toFixed(0)} MiB before the run)`,
    );
  }
}
