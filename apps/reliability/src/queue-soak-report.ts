import type { QueueSoakReport } from './run-queue-soak.ts';

/** The queue soak's report as plain text. */
export function formatQueueSoakReport(report: QueueSoakReport): string {
  const { options: o, jobs, sandbox, generations, kill } = report;
  const limit = report.limits.rateLimit;
  const byReason = Object.entries(report.failedByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  const faults = Object.entries(sandbox.faults)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  const lines = [
    `Pictor queue soak: ${o.prompts} prompts, ${o.workers} worker processes × ${o.workerConcurrency}, global concurrency ` +
      `${report.limits.globalConcurrency ?? 'none'}, global rate limit ${limit ? `${limit.max}/${limit.duration} ms` : 'none'}, ` +
      `bucket ${o.bucket.capacity} + ${o.bucket.refillPerSecond}/s, seed ${o.seed} — ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    `  enqueued                     ${report.enqueue.first.added} added; second enqueuer ${report.enqueue.second.added} added, ${report.enqueue.second.existing} already there`,
    `  completed                    ${jobs.completed} (${jobs.skipped} skipped: already in the folder)`,
    `  failed                       ${jobs.failed}${byReason ? `  (${byReason})` : ''}`,
    `  lost                         ${jobs.lost}`,
    `  job attempts                 ${jobs.attempts}`,
    `  completed twice              ${report.completedTwice.length} (worker events), ${report.queueEventsCompletedTwice.length} (queue events)`,
    kill
      ? `  SIGKILL                      ${kill.victim} with ${kill.inFlight.length} in flight → ${kill.outcome
          .map(
            (k) =>
              `${k.jobId === kill.trigger ? 'the job it was starting ' : ''}${k.state} by ${k.processedBy ?? '?'} (orphaned ${k.stalledCounter}×)`,
          )
          .join(', ')}; replaced by ${kill.replacement}`
      : '  SIGKILL                      none happened',
    `  sandbox requests             ${sandbox.requests}, 429 from the bucket ${sandbox.rateLimited} (${(report.rateLimitedShare * 100).toFixed(2)}%)`,
    `  faults injected              ${Object.values(sandbox.faults).reduce((a, b) => a + b, 0)}: ${faults}`,
    `  images made                  ${sandbox.imagesServed} = ${generations.needed} needed + ${generations.extra} extra (allowed ${generations.allowance - generations.needed}: ${generations.afterImageFaults} after-image faults + ${kill?.inFlight.length ?? 0} killed in flight)`,
    `  folder                       ${report.folder.entries} manifest entries, ${report.folder.distinctKeys} keys, ${report.folder.files} image files`,
    ...report.folder.problems.slice(0, 10).map((p) => `    ${p}`),
    ...(report.workerErrors.length
      ? [
          `  worker errors                ${report.workerErrors.length}`,
          ...report.workerErrors.slice(0, 5).map((e) => `    ${e}`),
        ]
      : []),
    '',
  ];
  for (const check of report.checks) lines.push(`  ${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  lines.push('', report.pass ? 'PASS' : 'FAIL');
  return lines.join('\n');
}
