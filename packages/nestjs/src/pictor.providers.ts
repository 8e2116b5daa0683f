import type { FactoryProvider } from '@nestjs/common';
import { createPictorClient, ValidationError } from '@pictor/core';
import { getPictorToken } from './get-pictor-token.js';
import type { PictorModuleOptions } from './interfaces/pictor-module-options.interface.js';
import { DEFAULT_PICTOR_NAME, PICTOR_MODULE_OPTIONS } from './pictor.constants.js';
import { PictorService } from './pictor.service.js';

/**
 * The provider of one client: it validates the options when the app starts (a bad configuration stops the
 * boot with a `ValidationError` naming the client and each bad field) and creates the client.
 */
export function createPictorProvider(name: string = DEFAULT_PICTOR_NAME): FactoryProvider<PictorService> {
  return {
    provide: getPictorToken(name),
    inject: [PICTOR_MODULE_OPTIONS],
    useFactory: (options: PictorModuleOptions) => {
      try {
        return new PictorService(createPictorClient(options), name);
      } catch (error) {
        if (!ValidationError.isInstance(error)) throw error;
        const subject =
          name === DEFAULT_PICTOR_NAME ? 'PictorModule options' : `PictorModule options of client "${name}"`;
        throw new ValidationError(error.issues, subject);
      }
    },
  };
}
