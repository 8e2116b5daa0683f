import { Agent, request } from 'undici';
import { fixed, range } from '../report-format.ts';
import { SandboxProcess } from '../sandbox-process.ts';
import { median } from '../stats.ts';
import type { ScenarioContext, ScenarioReport } from './scenario.ts';

const RENDER_CONCURRENCY = 4;
const CACHED_CONCURRENCY = 16;

/**
 * Keeps `concurrency` requests in flight until the deadline, each worker making at least `minPerWorker`
 * (bodies drained, not parsed); returns how many completed.
 */
async function drive(
  agent: Agent,
  url: string,
  concurrency: number,
  durationMs: number,
  body: (i: number) => unknown,
  minPerWorker = 0,
): Promise<number> {
  const deadline = performance.now() + durationMs;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < minPerWorker || performance.now() < deadline; i++) {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
        body: JSON.stringify(body(next++)),
        dispatcher: agent,
      });
      for await (const _ of res.body) {
        // drain
      }
      if (res.statusCode !== 200) throw new Error(`sandbox answered ${res.statusCode}`);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

const request1024 = (prompt: string, seed: number): Record<string, unknown> => ({
  model: 'black-forest-labs/FLUX.1-schnell',
  prompt,
  n: 1,
  seed,
  width: 1024,
  height: 1024,
  output_format: 'png',
  response_format: 'base64',
});

interface RoundResult {
  rendersPerSecond: number;
  cachedPerSecond: number;
}

/** Scenario 5: the sandbox rendering distinct 1024×1024 PNGs, then answering a repeated (cached) request. */
export async function run(ctx: ScenarioContext): Promise<ScenarioReport> {
  const rounds = ctx.quick ? 1 : 3;
  const renderMs = ctx.quick ? 500 : 4000;
  const cachedMs = ctx.quick ? 300 : 2000;
  const results: RoundResult[] = [];
  for (let round = 0; round < rounds; round++) {
    const { sandbox, urls } = await SandboxProcess.start();
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    try {
      const url = `${urls.together}/images/generations`;
      // Warm-up: sharp, the spec validator, the connections.
      await drive(agent, url, RENDER_CONCURRENCY, 0, (i) => request1024(`warm-up ${round}`, i), 1);
      const before = await sandbox.stats();
      let started = performance.now();
      const rendered = await drive(agent, url, RENDER_CONCURRENCY, renderMs, (i) => request1024(`render ${round}`, i));
      const renderSeconds = (performance.now() - started) / 1000;
      const afterRender = await sandbox.stats();
      if (afterRender.imagesRendered - before.imagesRendered !== rendered)
        throw new Error('the sandbox served renders from its cache');
      await drive(agent, url, 1, 0, () => request1024('cached', 7), 1);
      started = performance.now();
      const cached = await drive(agent, url, CACHED_CONCURRENCY, cachedMs, () => request1024('cached', 7));
      const cachedSeconds = (performance.now() - started) / 1000;
      const afterCached = await sandbox.stats();
      if (afterCached.imagesRendered !== afterRender.imagesRendered + 1)
        throw new Error('cached requests were rendered again');
      const r = { rendersPerSecond: rendered / renderSeconds, cachedPerSecond: cached / cachedSeconds };
      ctx.log(
        `  5 sandbox        round ${round + 1}/${rounds}  ${r.rendersPerSecond.toFixed(1)} renders/s, ${r.cachedPerSecond.toFixed(0)} cached responses/s`,
      );
      results.push(r);
    } finally {
      await agent.close();
      await sandbox.close();
    }
  }
  const renders = results.map((r) => r.rendersPerSecond);
  const cachedRates = results.map((r) => r.cachedPerSecond);
  return {
    id: 5,
    title: 'Sandbox — renders and cached answers',
    method:
      `\`startSandbox()\` from \`@pictor/sandbox\` in a process of its own, driven over loopback by \`undici.request\` (bodies ` +
      `drained, not parsed). Renders: distinct seeds, one 1024×1024 PNG per call, ${RENDER_CONCURRENCY} calls in flight, ` +
      `${renderMs / 1000} s. Cached: the same call repeated, ${CACHED_CONCURRENCY} in flight, ${cachedMs / 1000} s. The sandbox's own ` +
      `counters confirm every render was a render and every repeat a cache hit. ${rounds} rounds; medians.`,
    head: ['what', 'per second (median)', 'min – max'],
    rows: [
      ['images rendered (distinct prompts/seeds, 1024×1024 PNG)', fixed(median(renders), 1), range(renders, 1)],
      ['responses to a repeated request (cached)', fixed(median(cachedRates), 0), range(cachedRates, 0)],
    ],
    values: { sandbox: { rendersPerSecond: median(renders), cachedPerSecond: median(cachedRates) } },
    charts: [
      {
        file: '5-sandbox.svg',
        chart: {
          kind: 'bars',
          title: 'Sandbox: answers per second',
          unit: 'per second (median)',
          bars: [
            { label: 'renders (1024×1024 PNG)', value: median(renders) },
            { label: 'cached answers', value: median(cachedRates) },
          ],
        },
      },
    ],
    targets: [],
    notes: [],
  };
}
