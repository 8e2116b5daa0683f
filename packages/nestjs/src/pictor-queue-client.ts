import type { FactoryProvider, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createPictorClient, ValidationError, type PictorClient } from '@pictor/core';
import { getPictorToken } from './get-pictor-token.js';
import type { PictorQueueModuleOptions } from './interfaces/pictor-queue-module-options.interface.js';
import { PICTOR_QUEUE_CLIENT, PICTOR_QUEUE_MODULE_OPTIONS } from './pictor-queue.constants.js';
import type { PictorService } from './pictor.service.js';

/**
 * The Pictor client of a queue: its own (from the `client` option, closed with the app), or one registered with
 * `PictorModule` anywhere in the app, looked up once every provider exists (so the order of imports does not
 * matter), and checked at start-up.
 */
export class PictorQueueClient implements OnModuleInit, OnApplicationShutdown {
  private readonly own: PictorClient | undefined;
  private found: PictorClient | undefined;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly options: PictorQueueModuleOptions,
  ) {
    if (options.client) {
      try {
        this.own = createPictorClient(options.client);
      } catch (error) {
        if (!ValidationError.isInstance(error)) throw error;
        const issues = error.issues.map((i) => ({ ...i, field: `client.${i.field}` }));
        throw new ValidationError(issues, 'PictorQueueModule options');
      }
    }
  }

  static provider(): FactoryProvider<PictorQueueClient> {
    return {
      provide: PICTOR_QUEUE_CLIENT,
      inject: [ModuleRef, PICTOR_QUEUE_MODULE_OPTIONS],
      useFactory: (moduleRef: ModuleRef, options: PictorQueueModuleOptions) =>
        new PictorQueueClient(moduleRef, options),
    };
  }

  /** The client; throws, naming the token, when the `PictorModule` client it should use is not registered. */
  get client(): PictorClient {
    if (this.own) return this.own;
    if (!this.found) {
      const token = getPictorToken(this.options.pictor);
      try {
        this.found = this.moduleRef.get<PictorService>(token, { strict: false }).client;
      } catch {
        const name = typeof token === 'string' ? token : 'PictorService';
        throw new Error(
          `PictorQueueModule needs a Pictor client: give it \`client\` options, or register ${name} with PictorModule`,
        );
      }
    }
    return this.found;
  }

  onModuleInit(): void {
    void this.client;
  }

  /** Closes the queue's own client; a `PictorModule` client is closed by its module. */
  async onApplicationShutdown(): Promise<void> {
    await this.own?.close();
  }
}
