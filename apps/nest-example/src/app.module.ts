import { Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { PictorModule } from '@pictor/nestjs';
import { PictorHealthModule } from '@pictor/nestjs/health';
import { PictorQueueModule } from '@pictor/nestjs/queue';
import { ApiKeyGuard } from './api-key.guard.js';
import { configFrom } from './config-from.js';
import { HealthController } from './health.controller.js';
import { ImageStore } from './image-store.js';
import { ImagesController } from './images.controller.js';
import { JobsController } from './jobs.controller.js';
import type { Env } from './env.js';
import { jobsEnabled, jobsOptionsFrom } from './jobs-options.js';
import { PictorExceptionFilter } from './pictor-exception.filter.js';
import { pictorOptionsFrom } from './pictor-options.js';
import { StreamPageController } from './stream-page.controller.js';
import { throttlerOptionsFrom } from './throttler-options.js';

@Module({})
export class AppModule implements OnApplicationShutdown {
  /** The app, configured from `env` (in production `process.env`) through `ConfigService`. */
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        configFrom(env),
        PictorModule.forRootAsync({ inject: [ConfigService], useFactory: pictorOptionsFrom }),
        ThrottlerModule.forRootAsync({ inject: [ConfigService], useFactory: throttlerOptionsFrom }),
        TerminusModule,
        PictorHealthModule,
        // Jobs only with Redis configured; its worker uses the client above.
        ...(jobsEnabled(env)
          ? [
              PictorQueueModule.forRootAsync({
                inject: [ConfigService],
                useFactory: (c: ConfigService) => jobsOptionsFrom(c),
              }),
            ]
          : []),
      ],
      controllers: [
        ImagesController,
        HealthController,
        StreamPageController,
        ...(jobsEnabled(env) ? [JobsController] : []),
      ],
      providers: [
        {
          provide: ImageStore,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const megabytes = Number(config.get<string>('IMAGE_STORE_MAX_MB') ?? 256);
            if (!(megabytes > 0))
              throw new Error(
                `IMAGE_STORE_MAX_MB must be a positive number, got "${config.get<string>('IMAGE_STORE_MAX_MB')}"`,
              );
            return new ImageStore(megabytes * 1024 * 1024);
          },
        },
        { provide: APP_FILTER, useClass: PictorExceptionFilter },
        // In this order: a caller guessing keys is throttled too.
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }

  /** Nest calls this on `app.close()`, and on SIGTERM/SIGINT since `bootstrap` enables shutdown hooks. */
  onApplicationShutdown(signal?: string): void {
    new Logger('AppModule').log(signal ? `Shut down on ${signal}` : 'Shut down');
  }
}
