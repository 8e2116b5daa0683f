import type { FaultName } from '@pictor/sandbox';
import type { SoakReport } from './run-soak.ts';

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The soak's report as a plain-text table. */
export function formatSoakReport(report: SoakReport): string {
  const { options: o, faults } = report;
  const failed = Object.values(report.failedByClass).reduce((a, b) => a + b, 0);
  const byClass = Object.entries(report.failedByClass)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  const lines = [
    `Pictor fault soak: ${report.requests} requests (+${o.warmup} warm-up), ${(o.faultRate * 100).toFixed(0)}% faults (seed ${o.seed}), ` +
      `concurrency ${o.concurrency}, timeout ${o.timeoutMs} ms, slow headers ${o.slowHeadersMs} ms — ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    `  succeeded                    ${report.succeeded}`,
    `  failed with a typed error    ${failed}${byClass ? `  (${byClass})` : ''}`,
    `  untyped failures             ${report.untypedFailures}${report.untypedExamples.length ? `  e.g. ${report.untypedExamples.join(' | ')}` : ''}`,
    `  unhandled rejections         ${report.unhandledRejections} (uncaught exceptions ${report.uncaughtExceptions})`,
    `  sockets open after close()   ${report.clientSocketsAfterClose} in the client (${report.clientSocketsBeforeClose} before), ${report.sandboxSocketsAfterClose} in the sandbox`,
    `  RSS start → end              ${mib(report.rss.startBytes)} → ${mib(report.rss.endBytes)} (${report.rss.growth >= 0 ? '+' : ''}${(report.rss.growth * 100).toFixed(1)}%)`,
    `  heap used start → end        ${mib(report.heapUsed.startBytes)} → ${mib(report.heapUsed.endBytes)}`,
    `  HTTP attempts / retries      ${report.attempts} / ${report.retries}`,
    `  faults injected              ${faults.injected} (${((faults.injected / Math.max(1, report.attempts)) * 100).toFixed(1)}% of attempts), accounted ${faults.accounted}, unaccounted ${faults.unaccounted}`,
    '',
    '  fault            injected  retried  typed final  (by count)  unaccounted',
  ];
  for (const [name, t] of Object.entries(faults.byFault) as Array<
    [FaultName, NonNullable<(typeof faults.byFault)[FaultName]>]
  >) {
    lines.push(
      `  ${name.padEnd(16)} ${String(t.injected).padStart(8)} ${String(t.retried).padStart(8)} ${String(t.typedFinal).padStart(12)} ${String(t.byCount).padStart(11)} ${String(t.unaccounted).padStart(12)}`,
    );
  }
  lines.push(
    '',
    "  Matching: the sandbox logs each injected fault with its request id; undici's diagnostics channels tie every HTTP",
    "  attempt of a generate() to that id (x-request-id), and core's onRetry events (attempt k) and final typed errors to",
    '  the attempt. A fault counts when its attempt surfaced as the expected class (429 → RateLimitError or',
    '  QuotaExceededError, 500/503 → InternalServerError/ServiceUnavailableError, reset → ConnectionError, bad bodies →',
    '  ResponseValidationError, expired URL → DownloadError). Held-back headers never reach the client, so slow-headers',
    '  faults are matched by count against TimeoutErrors of attempts that got no headers ("by count").',
    `  Observations no fault explains: ${faults.unexplainedObservations}.`,
  );
  if (faults.examples.length) lines.push('', '  Unaccounted faults:', ...faults.examples.map((e) => `    ${e}`));
  lines.push('');
  for (const check of report.checks)
    lines.push(`  ${check.pass ? 'PASS' : 'FAIL'}  ${check.name.padEnd(30)} ${check.detail}`);
  lines.push('', report.pass ? 'PASS' : 'FAIL');
  return lines.join('\n');
}
