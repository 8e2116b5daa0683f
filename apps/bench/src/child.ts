// One client, one scenario, one process: the orchestrator (run.ts) forks this file for every measurement.
import type { ChildJob } from './child-process.ts';

process.once('message', (job: ChildJob) => {
  void (async () => {
    try {
      const module =
        job.scenario === 'small-payload'
          ? await import('./scenarios/1-small-payload.ts')
          : job.scenario === 'big-batch'
            ? await import('./scenarios/2-big-batch.ts')
            : job.scenario === 'fan-out'
              ? await import('./scenarios/3-fan-out.ts')
              : await import('./scenarios/6-rate-limit.ts');
      const result = await module.child(job.client as never, job.params as never);
      process.send?.({ ok: true, result }, () => process.exit(0));
    } catch (error) {
      process.send?.(
        { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) },
        () => process.exit(1),
      );
    }
  })();
});
