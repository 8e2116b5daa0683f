import { Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PictorModule } from '@pictor/nestjs';
import { PictorQueueModule } from '@pictor/nestjs/queue';
import type { Env } from './env.js';
import { configFrom } from './config-from.js';
import { jobsOptionsFrom } from './jobs-options.js';
import { pictorOptionsFrom } from './pictor-options.js';

/**
 * A worker process: no HTTP, only the Pictor client (`PICTOR_*`) and the queue's worker, which takes the jobs
 * API processes enqueue on the same Redis (`PICTOR_REDIS_URL`) and saves their images in `JOBS_OUT_DIR`.
 */
@Module({})
export class WorkerModule implements OnApplicationShutdown {
  static forRoot(env: Env): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        configFrom(env),
        PictorModule.forRootAsync({ inject: [ConfigService], useFactory: pictorOptionsFrom }),
        PictorQueueModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => jobsOptionsFrom(config, true),
        }),
      ],
    };
  }

  /** Nest calls this once the worker has finished its running jobs (on SIGTERM/SIGINT, or `close()`). */
  onApplicationShutdown(signal?: string): void {
    new Logger('WorkerModule').log(signal ? `Shut down on ${signal}` : 'Shut down');
  }
}
