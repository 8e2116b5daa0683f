import type { ConfigService } from '@nestjs/config';
import { ValidationError, type FieldIssue } from '@pictor/core';
import type { PictorQueueModuleOptions } from '@pictor/nestjs/queue';
import type { Env } from './env.js';

/** Whether the configuration asks for the job queue (`PICTOR_REDIS_URL` set): `POST /jobs`, `GET /jobs/:id`. */
export function jobsEnabled(env: Env): boolean {
  return Boolean(env.PICTOR_REDIS_URL?.trim());
}

/** Where jobs' images go when `JOBS_OUT_DIR` is not set, relative to the working directory. */
export const DEFAULT_JOBS_OUT_DIR = 'images';

/**
 * The queue's options from the configuration: `PICTOR_REDIS_URL` (Redis), `JOBS_OUT_DIR` (where workers save
 * images, default `images`), `JOBS_WORKER` (`false`: this process only enqueues) and `JOBS_CONCURRENCY` (jobs this
 * process's worker runs at once, default 1). `worker` overrides `JOBS_WORKER` (the worker-only entry point). A bad
 * value stops the boot, naming its variable and never echoing it (a Redis URL may hold a password).
 */
export function jobsOptionsFrom(config: ConfigService, worker?: boolean): PictorQueueModuleOptions {
  const text = (name: string): string | undefined => config.get<string>(name)?.trim() || undefined;
  const issues: FieldIssue[] = [];
  const url = text('PICTOR_REDIS_URL');
  if (!url) issues.push({ field: 'PICTOR_REDIS_URL', message: 'is required for jobs (e.g. redis://127.0.0.1:6379)' });
  else if (!URL.canParse(url) || !['redis:', 'rediss:'].includes(new URL(url).protocol))
    issues.push({ field: 'PICTOR_REDIS_URL', message: 'must be a redis:// or rediss:// URL' });
  const flag = text('JOBS_WORKER') ?? 'true';
  if (!['true', 'false'].includes(flag)) issues.push({ field: 'JOBS_WORKER', message: 'must be true or false' });
  const concurrency = text('JOBS_CONCURRENCY') ?? '1';
  if (!/^\d+$/.test(concurrency) || Number(concurrency) < 1)
    issues.push({ field: 'JOBS_CONCURRENCY', message: 'must be a whole number of at least 1' });
  if (issues.length) throw new ValidationError(issues, 'configuration');
  return {
    connection: url!,
    outDir: text('JOBS_OUT_DIR') ?? DEFAULT_JOBS_OUT_DIR,
    processor: worker ?? flag === 'true',
    concurrency: Number(concurrency),
  };
}
