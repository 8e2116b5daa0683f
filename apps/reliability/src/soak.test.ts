import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SoakReport } from './run-soak.ts';
import { SOAK_FAULTS } from './run-soak.ts';

const run = promisify(execFile);
const SOAK = fileURLToPath(new URL('./soak.ts', import.meta.url));

describe('fault soak, CI short form (the full run is `pnpm soak`)', () => {
  it('500 requests with 15% faults: 0 untyped failures, 0 unhandled rejections, 0 open sockets, RSS < +10%, every fault accounted for', async () => {
    // Its own process, run as `pnpm soak` runs it (GC exposed, young generation pinned: see SoakOptions.warmup),
    // nothing of vitest's in its heap; a shorter warm-up than the full run's.
    const result = await run(
      process.execPath,
      ['--expose-gc', '--max-semi-space-size=16', SOAK, '--requests', '500', '--warmup', '1000', '--json'],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => error);
    const report = JSON.parse(result.stdout ?? '{}') as SoakReport;
    const failing = (report.checks ?? []).filter((c) => !c.pass);
    expect(failing, result.stderr).toEqual([]);
    expect(report.pass).toBe(true);

    expect(report.requests).toBe(500);
    expect(report.untypedFailures).toBe(0);
    expect(report.unhandledRejections).toBe(0);
    expect(report.clientSocketsBeforeClose).toBeGreaterThan(0);
    expect(report.clientSocketsAfterClose).toBe(0);
    expect(report.sandboxSocketsAfterClose).toBe(0);
    expect(report.rss.growth).toBeLessThan(0.1);
    // Every fault of the mix was injected, and each was met.
    for (const fault of SOAK_FAULTS) expect(report.faults.byFault[fault]?.injected, fault).toBeGreaterThan(0);
    expect(report.faults.unaccounted).toBe(0);
    expect(report.faults.accounted).toBe(report.faults.injected);
    const injectedShare = report.faults.injected / report.attempts;
    expect(injectedShare).toBeGreaterThan(0.08);
    expect(injectedShare).toBeLessThan(0.25);
    // Not retried, so they end as typed failures; the retried kinds mostly recover.
    expect(report.faults.byFault.quota?.retried).toBe(0);
    expect(report.faults.byFault['malformed-json']?.retried).toBe(0);
    expect(report.faults.byFault['rate-limit']?.retried).toBeGreaterThan(0);
    expect(report.succeeded + Object.values(report.failedByClass).reduce((a, b) => a + b, 0)).toBe(500);
  });
});
