import { ConfigurableModuleBuilder, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DEFAULT_QUEUE_NAME } from '@pictor/queue';
import type { Queue } from 'bullmq';
import type {
  PictorQueueModuleExtras,
  PictorQueueModuleOptions,
} from './interfaces/pictor-queue-module-options.interface.js';
import { PictorJobsService } from './pictor-jobs.service.js';
import {
  PICTOR_QUEUE_CLIENT,
  PICTOR_QUEUE_MODULE_OPTIONS,
  PICTOR_QUEUE_NAME,
  pictorBullConfigKey,
} from './pictor-queue.constants.js';
import { createPictorJobsProcessor, PICTOR_JOBS_PROCESSOR } from './pictor-jobs.processor.js';
import { PictorQueueClient } from './pictor-queue-client.js';
import { bullConnectionOf, validateQueueOptions } from './pictor-queue-options.js';

/** Holds a `PictorQueueModule`'s options (from `forRoot` or a `forRootAsync` factory), for BullMQ's module too. */
@Module({})
class PictorQueueOptionsModule {}

/**
 * Wires a Pictor queue: BullMQ's connection under a configuration key of its own, the queue, the client, the
 * service and (unless `processor: false`) a worker. The user's options provider moves into a module of its own,
 * so that `BullModule.forRootAsync` can read the connection from it as well.
 */
function wire(definition: DynamicModule, { isGlobal, queueName = DEFAULT_QUEUE_NAME }: PictorQueueModuleExtras) {
  const configKey = pictorBullConfigKey(queueName);
  const options: DynamicModule = {
    module: PictorQueueOptionsModule,
    imports: definition.imports ?? [],
    providers: (definition.providers ?? []).map((provider) =>
      typeof provider === 'object' && provider.provide === PICTOR_QUEUE_MODULE_OPTIONS ? validated(provider) : provider,
    ),
    exports: [PICTOR_QUEUE_MODULE_OPTIONS],
  };
  return {
    module: definition.module,
    global: isGlobal,
    imports: [
      options,
      BullModule.forRootAsync(configKey, {
        imports: [options],
        inject: [PICTOR_QUEUE_MODULE_OPTIONS],
        useFactory: (o: PictorQueueModuleOptions) => ({
          connection: bullConnectionOf(o.connection),
          ...(o.prefix !== undefined && { prefix: o.prefix }),
        }),
      }),
      BullModule.registerQueue({ name: queueName, configKey }),
    ],
    providers: [
      { provide: PICTOR_QUEUE_NAME, useValue: queueName },
      PictorQueueClient.provider(),
      {
        provide: PictorJobsService,
        inject: [getQueueToken(queueName), PICTOR_QUEUE_CLIENT, PICTOR_QUEUE_MODULE_OPTIONS],
        useFactory: (queue: Queue, client: PictorQueueClient, o: PictorQueueModuleOptions) =>
          new PictorJobsService(queue, client, o),
      },
      {
        provide: PICTOR_JOBS_PROCESSOR,
        inject: [PICTOR_QUEUE_MODULE_OPTIONS, PICTOR_QUEUE_CLIENT],
        // null when this process only enqueues: BullMQ's explorer starts no worker for it.
        useFactory: (o: PictorQueueModuleOptions, client: PictorQueueClient) =>
          o.processor === false ? null : createPictorJobsProcessor(queueName, configKey, o, client),
      },
    ],
    exports: [PictorJobsService, PICTOR_QUEUE_CLIENT],
  } satisfies DynamicModule;
}

/** The options provider, checking what it provides when the app starts: a bad option stops the boot, naming the field. */
function validated(provider: Provider): Provider {
  if ('useValue' in provider)
    return { provide: provider.provide, useFactory: () => validateQueueOptions(provider.useValue) };
  if ('useFactory' in provider && typeof provider.useFactory === 'function') {
    const factory = provider.useFactory as (...args: unknown[]) => unknown;
    return { ...provider, useFactory: async (...args: unknown[]) => validateQueueOptions(await factory(...args)) };
  }
  return provider;
}

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<PictorQueueModuleOptions>({ optionsInjectionToken: PICTOR_QUEUE_MODULE_OPTIONS })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createPictorQueueOptions')
    .setExtras<PictorQueueModuleExtras>({ isGlobal: false, queueName: undefined }, wire)
    .build();

/** What `PictorQueueModule.forRoot()` takes: the options plus `queueName` and `isGlobal`. */
export type PictorQueueModuleRootOptions = typeof OPTIONS_TYPE;
/** What `PictorQueueModule.forRootAsync()` takes: `imports`, `inject`, `useFactory` / `useClass` / `useExisting`, `queueName`, `isGlobal`. */
export type PictorQueueModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
