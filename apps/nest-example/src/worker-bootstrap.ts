import { Logger, type INestApplicationContext, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Env } from './env.js';
import { cleanLogger } from './clean-logger.js';
import { WorkerModule } from './worker.module.js';

/**
 * Starts a worker process from `env`: it takes jobs from Redis until SIGTERM/SIGINT, then finishes the jobs it
 * is running and exits. Its log lines are cleaned like the app's.
 */
export async function bootstrapWorker(
  env: Env,
  options: NestApplicationOptions = {},
): Promise<INestApplicationContext> {
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), {
    ...options,
    logger: cleanLogger(options.logger),
  });
  worker.enableShutdownHooks();
  new Logger('Bootstrap').log('Worker started: taking jobs');
  return worker;
}
