export { PictorModule } from './pictor.module.js';
export type { PictorModuleAsyncOptions, PictorModuleRootOptions } from './pictor.module-definition.js';
export { PictorService } from './pictor.service.js';
export { InjectPictor } from './inject-pictor.decorator.js';
export { getPictorToken } from './get-pictor-token.js';
export { DEFAULT_PICTOR_NAME, PICTOR_MODULE_OPTIONS } from './pictor.constants.js';
export type { PictorStreamEvent, PictorStreamOptions } from './interfaces/pictor-stream-event.interface.js';
export type {
  PictorModuleExtras,
  PictorModuleOptions,
  PictorOptionsFactory,
} from './interfaces/pictor-module-options.interface.js';
