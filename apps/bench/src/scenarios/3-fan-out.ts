import { runChild } from '../child-process.ts';
import { CLIENT_NAMES, loadClient, type BenchClient, type ClientName, type ClientSetup } from '../clients/client.ts';
import { startFixedServer } from '../fixed-server.ts';
import { makePng } from '../png.ts';
import { fixed, range, times } from '../report-format.ts';
import { interleave } from '../rounds.ts';
import { median } from '../stats.ts';
import { barsOf } from '../svg-chart.ts';
import type { ScenarioContext, ScenarioReport } from './scenario.ts';

const N = 16;
const PER_CALL = 4;
const LATENCY_MS = 300;
const IMAGE_BYTES = 1024;
const PROMPT = 'a lighthouse at dusk, fan-out';

/** How a user of a client gets 16 images from a model that gives 4 a call. */
export type Strategy = 'batch' | 'parallel' | 'sequential';

export interface FanOutParams {
  setup: ClientSetup;
  repeats: number;
}

export interface FanOutResult {
  /** Median ms of one call for four images. */
  oneCallMs: number;
  /** Median ms to get all 16 images, per strategy the client was run with. */
  strategies: Partial<Record<Strategy, number>>;
}

/** The strategies measured for a client: its own batching when it has one, else the two loops users write. */
function strategiesOf(client: BenchClient): Strategy[] {
  return client.batch ? ['batch'] : ['parallel', 'sequential'];
}

async function fanOut(client: BenchClient, strategy: Strategy): Promise<Uint8Array[]> {
  if (strategy === 'batch' && client.batch) return client.batch(PROMPT, N, PER_CALL);
  const calls = Array.from({ length: N / PER_CALL }, (_, i) => i);
  if (strategy === 'parallel') return (await Promise.all(calls.map(() => client.call(PROMPT, PER_CALL)))).flat();
  const images: Uint8Array[] = [];
  for (const _ of calls) images.push(...(await client.call(PROMPT, PER_CALL)));
  return images;
}

async function timed(run: () => Promise<Uint8Array[]>, expected: number): Promise<number> {
  const started = performance.now();
  const images = await run();
  const ms = performance.now() - started;
  if (images.length !== expected) throw new Error(`wrong answer: ${images.length} of ${expected} images`);
  return ms;
}

export async function child(name: ClientName, params: FanOutParams): Promise<FanOutResult> {
  const client = await loadClient(name, params.setup);
  await timed(() => client.call(PROMPT, PER_CALL), PER_CALL); // warm-up: connection, code
  const single: number[] = [];
  for (let i = 0; i < params.repeats; i++) single.push(await timed(() => client.call(PROMPT, PER_CALL), PER_CALL));
  const strategies: FanOutResult['strategies'] = {};
  for (const strategy of strategiesOf(client)) {
    // The sequential loop is four single calls in a row: once is enough.
    const repeats = strategy === 'sequential' ? 1 : params.repeats;
    const runs: number[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await timed(() => fanOut(client, strategy), N));
    strategies[strategy] = median(runs);
  }
  await client.close();
  return { oneCallMs: median(single), strategies };
}

const STRATEGY_LABEL: Record<Strategy, string> = {
  batch: 'its own batching',
  parallel: '`Promise.all` of 4 calls',
  sequential: 'a loop of 4 calls, one after another',
};

const HOW: Partial<Record<ClientName, string>> = {
  'pictor-core': '`generate({ n: 16 })`: 4 calls of 4 under its concurrency cap (default 4)',
  'ai-sdk': '`generateImage({ n: 16, maxImagesPerCall: 4 })`: 4 calls of 4, all at once',
};

/** Scenario 3: 16 images from a model that gives 4 a call, with 300 ms of server latency per call. */
export async function run(ctx: ScenarioContext): Promise<ScenarioReport> {
  const rounds = ctx.quick ? 1 : 3;
  const repeats = ctx.quick ? 1 : 3;
  const latencyMs = ctx.quick ? 50 : LATENCY_MS;
  const server = await startFixedServer({
    image: makePng(12, 12, IMAGE_BYTES),
    latencyMs,
    maxPerCall: { together: PER_CALL, openai: PER_CALL },
  });
  let results: Map<ClientName, FanOutResult[]>;
  try {
    const setup: ClientSetup = { urls: server.urls, concurrency: 4 };
    results = await interleave(CLIENT_NAMES, rounds, async (client, round) => {
      const r = await runChild<FanOutResult>({
        scenario: 'fan-out',
        client,
        params: { setup, repeats } satisfies FanOutParams,
      });
      const shown = Object.entries(r.strategies)
        .map(([s, ms]) => `${s} ${ms.toFixed(0)} ms`)
        .join(', ');
      ctx.log(
        `  3 fan-out        round ${round + 1}/${rounds}  ${client.padEnd(12)} one call ${r.oneCallMs.toFixed(0)} ms, ${shown}`,
      );
      return r;
    });
  } finally {
    await server.close();
  }

  const values: ScenarioReport['values'] = {};
  const rows: string[][] = [];
  let coreRatio = Number.NaN;
  for (const client of CLIENT_NAMES) {
    const runs = results.get(client) ?? [];
    const oneCall = median(runs.map((r) => r.oneCallMs));
    const strategies = Object.keys(runs[0]?.strategies ?? {}) as Strategy[];
    for (const strategy of strategies) {
      const all = runs.map((r) => r.strategies[strategy] ?? Number.NaN);
      const ms = median(all);
      const ratio = ms / oneCall;
      if (client === 'pictor-core') coreRatio = ratio;
      values[`${client}/${strategy}`] = { oneCallMs: oneCall, fanOutMs: ms, ratio };
      const how = strategy === 'batch' ? (HOW[client] ?? STRATEGY_LABEL.batch) : STRATEGY_LABEL[strategy];
      rows.push([
        client,
        how,
        strategy === 'sequential' ? '4, in turn' : '4, at once',
        fixed(oneCall, 0),
        fixed(ms, 0),
        range(all, 0),
        times(ratio),
      ]);
    }
  }
  return {
    id: 3,
    title: 'Fan-out — n = 16 where the model gives 4 per call, 300 ms latency',
    method:
      `The server answers every call after ${latencyMs} ms and refuses more than ${PER_CALL} images per call, as Together does. ` +
      `"One call" is a single call for 4 images; "16 images" is what a user of each client does to get 16: pictor-core and the ` +
      `AI SDK batch by themselves; for the others, which do not, both loops a user would write are shown. ${repeats} runs per ` +
      `process, ${rounds} rounds, clients interleaved; medians.`,
    head: ['client', 'how 16 images are asked for', 'calls', 'one call ms', '16 images ms', 'min – max', '× one call'],
    rows,
    values,
    charts: [
      {
        file: '3-fan-out.svg',
        chart: barsOf(
          `Fan-out: 16 images, 4 per call, ${latencyMs} ms a call`,
          'ms (median)',
          values,
          Object.keys(values),
          'fanOutMs',
        ),
      },
    ],
    targets: [
      {
        target: 'pictor-core: 16 images in ≤ 1.3× the time of one call',
        measured: times(coreRatio),
        met: coreRatio <= 1.3,
      },
    ],
    notes: [
      `Left to its defaults the AI SDK's Together model declares 1 image per call, so \`generateImage({ n: 16 })\` sends 16 calls ` +
        `of 1 at once (no cap); with a per-call latency that does not grow with n it takes about as long, at 4× the calls.`,
    ],
  };
}
