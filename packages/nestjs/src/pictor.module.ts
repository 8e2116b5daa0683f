import { Module } from '@nestjs/common';
import { ConfigurableModuleClass } from './pictor.module-definition.js';

/**
 * Registers a Pictor client. `forRoot(options)` takes `@pictor/core`'s client options plus `isGlobal` and
 * `name`; `forRootAsync({ imports, inject, useFactory | useClass | useExisting })` computes them, for example
 * from `ConfigService`. Import it once per client: the default one is injected as `PictorService`, a named one
 * with `@InjectPictor(name)`.
 */
@Module({})
export class PictorModule extends ConfigurableModuleClass {}
