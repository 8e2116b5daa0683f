import { runChild } from '../child-process.ts';
import { CLIENT_NAMES, loadClient, type BenchClient, type ClientName, type ClientSetup } from '../clients/client.ts';
import { startFixedServer } from '../fixed-server.ts';
import { makePng } from '../png.ts';
import { bestPeer, fixed, range, times } from '../report-format.ts';
import { interleave, pause } from '../rounds.ts';
import { RssSampler } from '../rss-sampler.ts';
import { mb, median } from '../stats.ts';
import { barsOf } from '../svg-chart.ts';
import type { ScenarioContext, ScenarioReport } from './scenario.ts';

const CONCURRENCY = 2;
const PER_CALL = 4;
const IMAGE_BYTES = 4 * 1024 * 1024;
const WARM_IMAGE_BYTES = 64 * 1024;
const PROMPT = 'a lighthouse at dusk, big batch';

export interface BigBatchParams {
  setup: ClientSetup;
  /** The same server answering with a 64 KB image: warms the client's code before the baseline. */
  warmSetup: ClientSetup;
  imageBytes: number;
  warmImageBytes: number;
  durationMs: number;
  /** Calls each of the two workers makes at least, however long they take. */
  minCallsPerWorker: number;
}

export interface BigBatchResult {
  /** Decoded image bytes per second, in MB (10^6 bytes). */
  mbps: number;
  /** Highest RSS above the warmed-up baseline while decoding, in MB. */
  peakRssMb: number;
  baselineRssMb: number;
  /** Decoded MB per second of the client process's CPU time (user + system): its own efficiency. */
  mbPerCpuSecond: number;
  calls: number;
  /** pictor-core only: ms `describeImage` (sniff, dimensions, sha256) takes on one 4 MB image. */
  describeMs?: number;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Two workers calling for four images back to back until the deadline; returns the decoded bytes. */
async function decodeLoop(
  client: BenchClient,
  params: { setup: ClientSetup; imageBytes: number; minCallsPerWorker: number },
  deadline: number,
): Promise<{ bytes: number; calls: number }> {
  let bytes = 0;
  let calls = 0;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < params.minCallsPerWorker || performance.now() < deadline; i++) {
      const images = await client.call(PROMPT, PER_CALL);
      if (images.length !== PER_CALL) throw new Error(`wrong answer: ${images.length} images`);
      for (const image of images) {
        if (image.byteLength !== params.imageBytes) throw new Error(`wrong image: ${image.byteLength} bytes`);
        bytes += image.byteLength;
      }
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: params.setup.concurrency }, worker));
  return { bytes, calls };
}

export async function child(name: ClientName, params: BigBatchParams): Promise<BigBatchResult> {
  const sampler = new RssSampler();
  // Warm-up on small answers (the same code paths, none of the big answers' memory), then a GC, then the
  // baseline: every byte the big answers cost, first call included, counts against the peak.
  const warm = await loadClient(name, params.warmSetup);
  await decodeLoop(warm, { setup: params.warmSetup, imageBytes: params.warmImageBytes, minCallsPerWorker: 10 }, 0);
  await warm.close();
  const client = await loadClient(name, params.setup);
  gc();
  await pause(50);
  gc();
  const baseline = process.memoryUsage.rss();
  sampler.reset();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { bytes, calls } = await decodeLoop(client, params, started + params.durationMs);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const peak = sampler.peak();
  await sampler.stop();
  let describeMs: number | undefined;
  if (name === 'pictor-core') {
    const [image] = await client.call(PROMPT, 1);
    const { describeImage } = await import('@pictor/core');
    describeImage(image as Uint8Array);
    const t = performance.now();
    for (let i = 0; i < 10; i++) describeImage(image as Uint8Array);
    describeMs = (performance.now() - t) / 10;
  }
  await client.close();
  return {
    mbps: mb(bytes) / seconds,
    peakRssMb: mb(peak - baseline),
    baselineRssMb: mb(baseline),
    mbPerCpuSecond: mb(bytes) / ((used.user + used.system) / 1e6),
    calls,
    ...(describeMs === undefined ? {} : { describeMs }),
  };
}

/** Scenario 2: four 4 MB images per call as `b64_json`, two calls in flight: decode rate and peak RSS. */
export async function run(ctx: ScenarioContext): Promise<ScenarioReport> {
  const rounds = ctx.quick ? 1 : 5;
  const durationMs = ctx.quick ? 0 : 2000;
  const minCallsPerWorker = ctx.quick ? 1 : 3;
  const server = await startFixedServer({
    image: makePng(1020, 1024, IMAGE_BYTES),
    warmImage: makePng(100, 100, WARM_IMAGE_BYTES),
  });
  let results: Map<ClientName, BigBatchResult[]>;
  try {
    const setup: ClientSetup = { urls: server.urls, concurrency: CONCURRENCY };
    const warmSetup: ClientSetup = { urls: server.warmUrls, concurrency: CONCURRENCY };
    results = await interleave(CLIENT_NAMES, rounds, async (client, round) => {
      const r = await runChild<BigBatchResult>({
        scenario: 'big-batch',
        client,
        params: {
          setup,
          warmSetup,
          imageBytes: IMAGE_BYTES,
          warmImageBytes: WARM_IMAGE_BYTES,
          durationMs,
          minCallsPerWorker,
        } satisfies BigBatchParams,
      });
      ctx.log(
        `  2 big batch      round ${round + 1}/${rounds}  ${client.padEnd(12)} ${r.mbps.toFixed(0)} MB/s  peak +${r.peakRssMb.toFixed(0)} MB`,
      );
      return r;
    });
  } finally {
    await server.close();
  }

  const of = (c: ClientName, pick: (r: BigBatchResult) => number): number[] => (results.get(c) ?? []).map(pick);
  const rate = new Map(CLIENT_NAMES.map((c) => [c, median(of(c, (r) => r.mbps))]));
  const rss = new Map(CLIENT_NAMES.map((c) => [c, median(of(c, (r) => r.peakRssMb))]));
  // What a user sees in `top`: the whole process at its peak, runtime and loaded code included.
  const wholeRss = new Map(CLIENT_NAMES.map((c) => [c, median(of(c, (r) => r.baselineRssMb + r.peakRssMb))]));
  const efficiency = new Map(CLIENT_NAMES.map((c) => [c, median(of(c, (r) => r.mbPerCpuSecond))]));
  // The best peer SDK is the fastest one, as in scenario 1; the leanest one is shown too.
  const peer = bestPeer(rate, 'max');
  const leanest = bestPeer(rss, 'min');
  const peerRss = rss.get(peer.name) ?? Number.NaN;
  const undiciRate = rate.get('raw-undici') ?? Number.NaN;
  const undiciRss = rss.get('raw-undici') ?? Number.NaN;
  const coreRate = rate.get('pictor-core') ?? Number.NaN;
  const coreRss = rss.get('pictor-core') ?? Number.NaN;
  const describeMs = median(
    (results.get('pictor-core') ?? []).flatMap((r) => (r.describeMs === undefined ? [] : [r.describeMs])),
  );
  const values: ScenarioReport['values'] = {};
  const rows = CLIENT_NAMES.map((c) => {
    const r = rate.get(c) ?? Number.NaN;
    const m = rss.get(c) ?? Number.NaN;
    const e = efficiency.get(c) ?? Number.NaN;
    const whole = wholeRss.get(c) ?? Number.NaN;
    values[c] = { mbps: r, peakRssMb: m, wholePeakRssMb: whole, mbPerCpuSecond: e };
    return [
      c,
      fixed(r, 0),
      range(
        of(c, (x) => x.mbps),
        0,
      ),
      times(r / peer.value),
      times(r / undiciRate),
      fixed(e, 0),
      fixed(m, 0),
      range(
        of(c, (x) => x.peakRssMb),
        0,
      ),
      `${fixed((100 * m) / peerRss, 0)}%`,
      `${fixed((100 * m) / undiciRss, 0)}%`,
      fixed(whole, 0),
      `${fixed((100 * whole) / (wholeRss.get(peer.name) ?? Number.NaN), 0)}%`,
    ];
  });
  values.summary = { describeMs, bestPeerMbps: peer.value, bestPeerRssMb: peerRss, leanestPeerRssMb: leanest.value };
  // The client's time per call (one thread does every call's work): the call's bytes over its CPU efficiency.
  const perCallMs = (1000 * mb(PER_CALL * IMAGE_BYTES)) / (efficiency.get('pictor-core') ?? Number.NaN);
  return {
    id: 2,
    title: 'Big batch — 4 images × 4 MB as `b64_json`, 2 concurrent',
    method:
      `Every client sends the same call for four images; the answer carries four 4 MiB PNGs as \`b64_json\` (22.4 MB of JSON). ` +
      `Two calls in flight, back to back, for ${durationMs / 1000} s (at least ${minCallsPerWorker} calls each); every client ends with ` +
      `the decoded bytes in hand. Before that, each client warms up on the same calls answered with 64 KB images, then a GC, then ` +
      `the baseline; peak RSS is sampled every millisecond from a worker thread and reported above that baseline (so the first big ` +
      `answer's memory counts too), and for the whole process (baseline included: what a user sees). ${rounds} rounds, clients interleaved; medians. MB = 10^6 bytes.`,
    head: [
      'client',
      'decoded MB/s',
      'min – max',
      '× best peer SDK',
      '× raw undici',
      'MB per CPU-second',
      'peak RSS MB above baseline',
      'min – max',
      'RSS vs best peer SDK',
      'RSS vs raw undici',
      'whole-process peak RSS MB',
      'whole vs best peer SDK',
    ],
    rows,
    values,
    charts: [
      {
        file: '2-big-batch.svg',
        chart: barsOf('Big batch: peak RSS above baseline', 'MB (median)', values, CLIENT_NAMES, 'peakRssMb'),
      },
    ],
    targets: [
      {
        target: `peak RSS ≤ 40% of the best peer SDK's (${peer.name}, ${fixed(peerRss, 0)} MB)`,
        measured: `${fixed((100 * coreRss) / peerRss, 0)}%`,
        met: coreRss <= 0.4 * peerRss,
      },
      {
        target: `at ≥ 1.2× its decode rate (${fixed(peer.value, 0)} MB/s)`,
        measured: times(coreRate / peer.value),
        met: coreRate >= 1.2 * peer.value,
      },
    ],
    notes: [
      `Best peer SDK: ${peer.name} (the fastest decoder of the three). Against the leanest peer SDK, ${leanest.name} ` +
        `(${fixed(leanest.value, 0)} MB), pictor-core's peak is ${fixed((100 * coreRss) / leanest.value, 0)}%.`,
      `"MB per CPU-second" divides the decoded bytes by the client process's own CPU time: what decoding costs, ` +
        `apart from waiting on the socket.`,
      `pictor-core decodes \`b64_json\` while the answer streams in and never holds the base64 text; then it sniffs, ` +
        `measures and hashes every image: \`describeImage\` on one 4 MiB image takes ${fixed(describeMs, 1)} ms (mostly SHA-256), ` +
        `${fixed((100 * PER_CALL * describeMs) / perCallMs, 0)}% of pictor-core's CPU time per call.`,
    ],
  };
}
