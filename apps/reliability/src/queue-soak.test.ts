import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { JOB_ENDING_FAULTS, RETRIED_FAULTS, type QueueSoakReport } from './run-queue-soak.ts';

const run = promisify(execFile);
const QUEUE_SOAK = fileURLToPath(new URL('./queue-soak.ts', import.meta.url));

describe('queue soak, CI short form (the full run is `pnpm queue-soak`)', () => {
  it('80 prompts, 4 worker processes, faults, a token bucket and a SIGKILL: nothing lost, nothing twice', async () => {
    // Its own process, as `pnpm queue-soak` runs it: a real redis-server, the sandbox in a child, worker processes.
    const result = await run(process.execPath, [QUEUE_SOAK, '--prompts', '80', '--json'], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string; code?: number }) => error);
    const report = JSON.parse(result.stdout ?? '{}') as QueueSoakReport;
    const failing = (report.checks ?? []).filter((c) => !c.pass);
    expect(failing, result.stderr).toEqual([]);
    expect(report.pass).toBe(true);

    // Enqueued once; the second enqueuer found every prompt there.
    expect(report.enqueue.first.added).toBe(80);
    expect(report.enqueue.second).toEqual({ added: 0, existing: 80, retried: 0 });
    // Every prompt ended once: completed, or failed by a fault that ends a job.
    expect(report.jobs.lost).toBe(0);
    expect(report.jobs.completed + report.jobs.failed).toBe(80);
    expect(report.completedTwice).toEqual([]);
    expect(report.queueEventsCompletedTwice).toEqual([]);
    for (const reason of Object.keys(report.failedByReason))
      expect(['QuotaExceededError', 'ResponseValidationError', 'DownloadError']).toContain(reason);
    // The kill landed mid-job and another worker finished that job.
    expect(report.kill?.inFlight).toContain(report.kill?.trigger);
    const trigger = report.kill?.outcome.find((o) => o.jobId === report.kill?.trigger);
    expect(trigger?.processedBy).not.toBe(report.kill?.victim);
    expect(trigger?.stalledCounter).toBeGreaterThanOrEqual(1);
    // The folder: one file and one manifest entry per completed prompt, nothing else.
    expect(report.folder).toMatchObject({
      entries: report.jobs.completed,
      distinctKeys: report.jobs.completed,
      files: report.jobs.completed,
      problems: [],
    });
    // Faults were injected (retried ones for sure; job-ending ones are rarer), and images made twice only for them.
    const injected = (names: object) =>
      Object.keys(names).reduce((n, f) => n + (report.sandbox.faults[f as keyof typeof report.sandbox.faults] ?? 0), 0);
    expect(injected(RETRIED_FAULTS)).toBeGreaterThan(0);
    expect(report.jobs.failed).toBeLessThanOrEqual(injected(JOB_ENDING_FAULTS));
    expect(report.sandbox.imagesServed).toBeLessThanOrEqual(report.generations.allowance);
    expect(report.rateLimitedShare).toBeLessThan(0.02);
    expect(report.limits).toEqual({ globalConcurrency: 6, rateLimit: { max: 15, duration: 1_000 } });
  });
});
