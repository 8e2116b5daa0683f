import { runChild } from '../child-process.ts';
import type { LatencyRange } from '../counting-proxy.ts';
import {
  PEER_CONCURRENCY,
  RUNNER_HOW,
  RUNNER_NAMES,
  RUNNER_STAND_INS,
  runBatchWith,
  type RunnerName,
  type RunnerTarget,
  type StandIn,
} from '../rate-limit-runners.ts';
import { fixed } from '../report-format.ts';
import { RssSampler } from '../rss-sampler.ts';
import { SandboxProcess } from '../sandbox-process.ts';
import { mb } from '../stats.ts';
import type { Chart } from '../svg-chart.ts';
import type { ScenarioContext, ScenarioReport } from './scenario.ts';

/** The sandbox's token bucket: Tier-2-like, 20 calls a second with a burst of 5 (FINDINGS §3.3). */
const RATE_LIMIT = { capacity: 5, refillPerSecond: 20 } as const;
const STAND_INS: readonly StandIn[] = ['openai', 'together'];
/** A runner with one call in flight never meets the limit; a shorter batch gives its rate as well. */
const SLOW_RUNNERS: ReadonlySet<RunnerName> = new Set(['sequential']);
const PEERS: readonly RunnerName[] = ['ai-sdk', 'openai', 'together-ai'];

export interface RateLimitParams {
  target: RunnerTarget;
  prompts: string[];
}

export interface RateLimitResult {
  /** ms from the start of the batch at which each image arrived, in order. */
  completionsMs: number[];
  failed: number;
  /** The first failure's message (keys here are the benchmark's own). */
  firstError: string | undefined;
  wallMs: number;
  baselineRss: number;
  peakRss: number;
}

/** In the child: one warm-up prompt on a key of its own (its own bucket), then the batch, timed and sampled. */
export async function child(runner: RunnerName, params: RateLimitParams): Promise<RateLimitResult> {
  const ignore = { image: () => {}, failed: () => {} };
  await runBatchWith(runner, { ...params.target, apiKey: `${params.target.apiKey}-warm-up` }, ['warm-up'], ignore);
  globalThis.gc?.();
  const sampler = new RssSampler();
  const baselineRss = process.memoryUsage.rss();
  sampler.reset();
  const completionsMs: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await runBatchWith(runner, params.target, params.prompts, {
    image: () => completionsMs.push(performance.now() - started),
    failed: (error) => {
      failed += 1;
      firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    },
  });
  const wallMs = performance.now() - started;
  const peakRss = sampler.peak();
  await sampler.stop();
  return { completionsMs, failed, firstError, wallMs, baselineRss, peakRss };
}

interface Row {
  standIn: StandIn;
  runner: RunnerName;
  prompts: number;
  result: RateLimitResult;
  calls: number;
  refused: number;
}

const imagesPerSecond = (row: Row): number => row.result.completionsMs.length / (row.result.wallMs / 1000);
/**
 * Whether run `a` is ahead of run `b`: more images a second, and no larger share of its prompts lost. Both, since
 * either alone flatters someone: failed prompts end quickly (a high rate over a short run), and a client that never
 * fails may still be slow.
 */
function ahead(a: Record<string, number>, b: Record<string, number>): boolean {
  const lost = (v: Record<string, number>): number => (v.failed ?? 0) / (v.prompts ?? 1);
  return (a.imagesPerSecond ?? 0) > (b.imagesPerSecond ?? 0) && lost(a) <= lost(b);
}

const pct = (share: number): string => (Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '–');

/** Scenario 6: a batch through a token-bucket limit with realistic latency, each client as its users write it. */
export async function run(ctx: ScenarioContext): Promise<ScenarioReport> {
  const total = ctx.quick ? 12 : 300;
  const short = ctx.quick ? 6 : 60;
  const latency: Omit<LatencyRange, 'seed'> = ctx.quick ? { minMs: 20, maxMs: 60 } : { minMs: 300, maxMs: 800 };
  const rows: Row[] = [];
  for (const standIn of STAND_INS) {
    for (const runner of RUNNER_NAMES) {
      if (!RUNNER_STAND_INS[runner].includes(standIn)) continue;
      const count = SLOW_RUNNERS.has(runner) ? short : total;
      const prompts = Array.from({ length: count }, (_, i) => `a lighthouse at dusk, plate ${i + 1}`);
      // A sandbox per run: a full bucket, the same latency sequence (same seed), nothing left from the last run.
      const { sandbox, urls } = await SandboxProcess.start({ rateLimit: RATE_LIMIT, proxy: { ...latency, seed: 6 } });
      try {
        const apiKey = `bench-${standIn}-${runner}`;
        const target: RunnerTarget = { standIn, baseURL: urls[standIn] as string, apiKey };
        const result = await runChild<RateLimitResult>(
          { scenario: 'rate-limit', client: runner, params: { target, prompts } satisfies RateLimitParams },
          600_000,
        );
        const { stats, counts } = await sandbox.report();
        // The proxy's count of 429s must be the sandbox's own (its bucket's refusals), warm-up key included.
        const proxied = Object.values(counts).reduce((sum, c) => sum + (c.byStatus['429'] ?? 0), 0);
        if (proxied !== stats.rateLimited)
          throw new Error(`the proxy counted ${proxied} 429s, the sandbox refused ${stats.rateLimited}`);
        const seen = counts[apiKey] ?? { calls: 0, byStatus: {} };
        const row: Row = {
          standIn,
          runner,
          prompts: count,
          result,
          calls: seen.calls,
          refused: seen.byStatus['429'] ?? 0,
        };
        rows.push(row);
        ctx.log(
          `  6 rate limit     ${standIn.padEnd(8)} ${runner.padEnd(15)} ${result.completionsMs.length}/${count} images in ` +
            `${(result.wallMs / 1000).toFixed(1)} s (${imagesPerSecond(row).toFixed(1)}/s), ${row.refused}/${row.calls} calls 429` +
            (result.firstError ? `; first failure: ${result.firstError.slice(0, 120)}` : ''),
        );
      } finally {
        await sandbox.close();
      }
    }
  }
  return report(rows, { total, short, latency });
}

function report(
  rows: Row[],
  setup: { total: number; short: number; latency: Omit<LatencyRange, 'seed'> },
): ScenarioReport {
  const ceiling = RATE_LIMIT.refillPerSecond;
  const values: ScenarioReport['values'] = {};
  const table: string[][] = [];
  const targets: ScenarioReport['targets'] = [];
  const charts: NonNullable<ScenarioReport['charts']> = [];
  for (const standIn of STAND_INS) {
    const of = rows.filter((r) => r.standIn === standIn);
    for (const row of of) {
      const rate = imagesPerSecond(row);
      const v = {
        prompts: row.prompts,
        images: row.result.completionsMs.length,
        failed: row.result.failed,
        imagesPerSecond: rate,
        ceilingShare: rate / ceiling,
        calls: row.calls,
        refused: row.refused,
        refusedShare: row.calls ? row.refused / row.calls : 0,
        wallS: row.result.wallMs / 1000,
        peakRssMb: mb(row.result.peakRss),
        rssAboveBaselineMb: mb(row.result.peakRss - row.result.baselineRss),
      };
      values[`${standIn}/${row.runner}`] = v;
      table.push([
        standIn,
        row.runner,
        RUNNER_HOW[row.runner],
        `${v.images} / ${v.prompts}`,
        fixed(v.imagesPerSecond, 1),
        pct(v.ceilingShare),
        `${v.refused} / ${v.calls}`,
        pct(v.refusedShare),
        fixed(v.wallS, 1),
        fixed(v.peakRssMb, 0),
        fixed(v.rssAboveBaselineMb, 0),
      ]);
    }
    const pictor = values[`${standIn}/pictor-batch`];
    const fixed16 = values[`${standIn}/pictor-fixed-16`];
    if (pictor && fixed16) {
      const peers = PEERS.flatMap((name) => {
        const v = values[`${standIn}/${name}`];
        return v ? [{ name, v }] : [];
      });
      const brief = (v: Record<string, number>): string =>
        `${fixed(v.imagesPerSecond ?? Number.NaN, 1)}/s with ${pct((v.images ?? 0) / (v.prompts ?? 1))} delivered`;
      targets.push(
        {
          target: `${standIn} stand-in: runBatch (defaults) ≥ 95% of the ceiling (${ceiling}/s)`,
          measured: `${pct(pictor.ceilingShare ?? Number.NaN)} (a fixed cap of 16: ${pct(fixed16.ceilingShare ?? Number.NaN)})`,
          met: (pictor.ceilingShare ?? 0) >= 0.95,
        },
        {
          target: `${standIn} stand-in: runBatch (defaults) ≤ 2% of calls answered 429`,
          measured: `${pct(pictor.refusedShare ?? Number.NaN)} (a fixed cap of 16: ${pct(fixed16.refusedShare ?? Number.NaN)})`,
          met: (pictor.refusedShare ?? 1) <= 0.02,
        },
        {
          target: `${standIn} stand-in: runBatch (defaults) ahead of every peer SDK (more images/s, no more prompts lost)`,
          measured:
            `${brief(pictor)} (a fixed cap of 16: ${brief(fixed16)}); ` +
            peers.map((p) => `${p.name} ${brief(p.v)}`).join(', '),
          met: peers.every((p) => ahead(pictor, p.v)),
        },
      );
    }
    charts.push({ file: `6-rate-limit-${standIn}.svg`, chart: progressChart(standIn, of, setup.total) });
  }
  const { minMs, maxMs } = setup.latency;
  return {
    id: 6,
    title: `Rate limit — ${setup.total} prompts through a ${ceiling}/s token bucket, ${minMs}–${maxMs} ms a call`,
    method:
      `The sandbox, in a process of its own, with its token bucket per key (\`rateLimit: { capacity: ${RATE_LIMIT.capacity}, ` +
      `refillPerSecond: ${ceiling} }\`: ${ceiling} calls a second, a burst of ${RATE_LIMIT.capacity}; over it a 429 with the ` +
      `stand-in's rate-limit headers). In front of it a loopback proxy (\`src/counting-proxy.ts\`) counts every answer by ` +
      `key and status and gives each call a latency drawn from a seeded uniform ${minMs}–${maxMs} ms (\`x-sandbox-latency-ms\`). ` +
      `Each client runs ${setup.total} prompts (n = 1, 256×256) in a process of its own, as its users write it, after one ` +
      `warm-up prompt on another key; a fresh sandbox and key per run, one run each. The sequential loop (one call in ` +
      `flight) runs the first ${setup.short} prompts (it never meets the limit, so its rate does not depend on the batch ` +
      `size). Images/s counts images in hand over the wall time; the ceiling is ${ceiling}/s (no client can do better ` +
      `than ${RATE_LIMIT.capacity} + ${ceiling}/s·t calls started, plus the last call's latency). Peak RSS is the whole ` +
      `client process (worker-thread sampler), and above its RSS after the warm-up and a GC. MB = 10^6 bytes.`,
    head: [
      'stand-in',
      'client',
      'how the batch is run',
      'images / prompts',
      'images/s',
      'of ceiling',
      '429s / calls',
      '429 share',
      'wall s',
      'peak RSS MB',
      'above baseline MB',
    ],
    rows: table,
    values,
    targets,
    charts,
    notes: [
      `pictor-core's client cap on calls in flight is 16 by default (\`concurrency\`); under it the adaptive limit, shared by ` +
        `every client of the process with the same base URL and key, starts at 4 calls, spreads its slow start over the ` +
        `measured round trip, then paces requests by the bucket the x-ratelimit-* headers describe or, without them, at a ` +
        `rate learned from the 429s (ceiling 64). \`runBatch\` keeps up to 16 prompts under way unless given \`concurrency\`.`,
      `The peer SDKs keep their default retries (2) and backoff; the AI SDK's \`generateImage\` and the p-limit of ` +
        `${PEER_CONCURRENCY} neither read the rate-limit headers nor slow down after a 429. A failed prompt is counted (not ` +
        `retried by the benchmark); a user's plain \`Promise.all\` would reject at the first.`,
      'The openai SDK speaks only OpenAI’s API and together-ai only Together’s: each runs on its own stand-in.',
    ],
  };
}

/** Images in hand over time per client, against the limit's line (burst, then the refill rate). */
function progressChart(standIn: StandIn, rows: Row[], total: number): Chart {
  const longest = Math.max(1, ...rows.map((r) => r.result.wallMs / 1000));
  const ceilingEnd = Math.min(longest, (total - RATE_LIMIT.capacity) / RATE_LIMIT.refillPerSecond);
  return {
    kind: 'lines',
    title: `${standIn} stand-in: images completed over time (limit ${RATE_LIMIT.refillPerSecond}/s, burst ${RATE_LIMIT.capacity})`,
    xLabel: 'seconds',
    yLabel: 'images',
    series: rows.map((r) => ({
      name: r.runner,
      points: [
        [0, 0] as [number, number],
        ...r.result.completionsMs.map((ms, i): [number, number] => [ms / 1000, i + 1]),
      ],
    })),
    ceiling: {
      name: `limit: ${RATE_LIMIT.capacity} + ${RATE_LIMIT.refillPerSecond}/s`,
      points: [
        [0, RATE_LIMIT.capacity],
        [ceilingEnd, RATE_LIMIT.capacity + ceilingEnd * RATE_LIMIT.refillPerSecond],
      ],
    },
  };
}
