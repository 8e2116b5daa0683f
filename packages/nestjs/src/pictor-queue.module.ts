import { Module } from '@nestjs/common';
import { ConfigurableModuleClass } from './pictor-queue.module-definition.js';

/**
 * Generation as jobs on BullMQ and Redis. `forRoot({ connection, outDir, … })` (or `forRootAsync`) registers
 * the queue, `PictorJobsService` (`enqueue`, `get`) and, unless `processor: false`, a worker that generates each
 * job and saves its images in `outDir`. Run it with `processor: false` in API processes and with the processor
 * in worker processes, all on the same Redis: every request is one job, run once.
 */
@Module({})
export class PictorQueueModule extends ConfigurableModuleClass {}
