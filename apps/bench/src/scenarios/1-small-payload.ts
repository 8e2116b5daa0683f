import { runChild } from '../child-process.ts';
import { CLIENT_NAMES, loadClient, type BenchClient, type ClientName, type ClientSetup } from '../clients/client.ts';
import { startFixedServer } from '../fixed-server.ts';
import { makePng } from '../png.ts';
import { bestPeer, fixed, range, times } from '../report-format.ts';
import { interleave } from '../rounds.ts';
import { median } from '../stats.ts';
import { barsOf } from '../svg-chart.ts';
import type { ScenarioContext, ScenarioReport } from './scenario.ts';

const CONCURRENCY = 16;
const IMAGE_BYTES = 1024;
const PROMPT = 'a lighthouse at dusk, small payload';

export interface SmallPayloadParams {
  setup: ClientSetup;
  imageBytes: number;
  warmupMs: number;
  durationMs: number;
}

export interface SmallPayloadResult {
  rps: number;
  requests: number;
  /** The client process's CPU time (user + system) per request, µs: its own cost, whatever the server does. */
  cpuUs: number;
  /** pictor-core only: µs `describeImage` (sniff, dimensions, sha256) takes on the 1 KB image. */
  describeUs?: number;
}

/** Keeps `concurrency` calls of one image in flight until `deadline`; counts the completed ones. */
async function saturate(
  client: BenchClient,
  concurrency: number,
  deadline: number,
  imageBytes: number,
): Promise<number> {
  let done = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const images = await client.call(PROMPT, 1);
      if (images.length !== 1 || images[0]?.byteLength !== imageBytes) throw new Error('wrong answer');
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

/** Per-image cost of core's extra checks, timed on their own. */
async function timeDescribe(image: Uint8Array, iterations: number): Promise<number> {
  const { describeImage } = await import('@pictor/core');
  for (let i = 0; i < 200; i++) describeImage(image);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) describeImage(image);
  return ((performance.now() - started) * 1000) / iterations;
}

export async function child(name: ClientName, params: SmallPayloadParams): Promise<SmallPayloadResult> {
  const client = await loadClient(name, params.setup);
  const concurrency = params.setup.concurrency;
  await saturate(client, concurrency, performance.now() + params.warmupMs, params.imageBytes);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const requests = await saturate(client, concurrency, started + params.durationMs, params.imageBytes);
  const rps = requests / ((performance.now() - started) / 1000);
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / requests;
  let describeUs: number | undefined;
  if (name === 'pictor-core') {
    const [image] = await client.call(PROMPT, 1);
    describeUs = await timeDescribe(image as Uint8Array, 5000);
  }
  await client.close();
  return { rps, requests, cpuUs, ...(describeUs === undefined ? {} : { describeUs }) };
}

/** Scenario 1: a 1 KB image, 16 calls in flight, requests per second. */
export async function run(ctx: ScenarioContext): Promise<ScenarioReport> {
  const rounds = ctx.quick ? 1 : 5;
  const warmupMs = ctx.quick ? 150 : 700;
  const durationMs = ctx.quick ? 300 : 1500;
  const server = await startFixedServer({ image: makePng(12, 12, IMAGE_BYTES) });
  let results: Map<ClientName, SmallPayloadResult[]>;
  try {
    const setup: ClientSetup = { urls: server.urls, concurrency: CONCURRENCY };
    results = await interleave(CLIENT_NAMES, rounds, async (client, round) => {
      const r = await runChild<SmallPayloadResult>({
        scenario: 'small-payload',
        client,
        params: { setup, imageBytes: IMAGE_BYTES, warmupMs, durationMs } satisfies SmallPayloadParams,
      });
      ctx.log(
        `  1 small payload  round ${round + 1}/${rounds}  ${client.padEnd(12)} ${r.rps.toFixed(0)} req/s, ${r.cpuUs.toFixed(0)} µs CPU/req`,
      );
      return r;
    });
  } finally {
    await server.close();
  }

  const rps = new Map(CLIENT_NAMES.map((c) => [c, median((results.get(c) ?? []).map((r) => r.rps))]));
  const cpu = new Map(CLIENT_NAMES.map((c) => [c, median((results.get(c) ?? []).map((r) => r.cpuUs))]));
  const peer = bestPeer(rps, 'max');
  const undici = rps.get('raw-undici') ?? Number.NaN;
  const core = rps.get('pictor-core') ?? Number.NaN;
  const describeUs = median(
    (results.get('pictor-core') ?? []).flatMap((r) => (r.describeUs === undefined ? [] : [r.describeUs])),
  );
  const values: ScenarioReport['values'] = {};
  const rows = CLIENT_NAMES.map((c) => {
    const value = rps.get(c) ?? Number.NaN;
    const all = (results.get(c) ?? []).map((r) => r.rps);
    const cpuUs = cpu.get(c) ?? Number.NaN;
    values[c] = { rps: value, cpuUs };
    return [c, fixed(value, 0), range(all, 0), times(value / peer.value), times(value / undici), fixed(cpuUs, 0)];
  });
  const coreCpu = cpu.get('pictor-core') ?? Number.NaN;
  values.summary = { bestPeerRps: peer.value, describeUs, describeShare: describeUs / coreCpu };
  return {
    id: 1,
    title: 'Small payload — a 1 KB image, 16 concurrent',
    method:
      `Every client sends the same call for one image (a 1,024-byte PNG as \`b64_json\`) with ${CONCURRENCY} calls in flight, ` +
      `for ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up, in its own process; ${rounds} rounds, clients interleaved; medians. ` +
      `"Client CPU" is the client process's own CPU time (user + system) per request: what the client costs, whatever the server does.`,
    head: ['client', 'req/s (median)', 'min – max', '× best peer SDK', '× raw undici', 'client CPU µs/req'],
    rows,
    values,
    charts: [
      {
        file: '1-small-payload.svg',
        chart: barsOf(
          'Small payload: requests per second, 16 in flight',
          'req/s (median)',
          values,
          CLIENT_NAMES,
          'rps',
        ),
      },
    ],
    targets: [
      {
        target: `≥ 3× the best peer SDK (${peer.name})`,
        measured: times(core / peer.value),
        met: core >= 3 * peer.value,
      },
      { target: '≥ 90% of raw undici', measured: `${fixed((100 * core) / undici, 0)}%`, met: core >= 0.9 * undici },
    ],
    notes: [
      `Best peer SDK: ${peer.name}. pictor-core runs with \`concurrency: ${CONCURRENCY}\` (its per-client cap on calls in flight, default 4).`,
      `pictor-core does more per answer than the others: request and answer validation (zod), media-type sniffing, ` +
        `dimensions and a SHA-256 of every image. \`describeImage\` alone (sniff + dimensions + sha256) takes ` +
        `${fixed(describeUs, 1)} µs per 1 KB image, ${fixed((100 * describeUs) / coreCpu, 0)}% of pictor-core's CPU time per request.`,
    ],
  };
}
