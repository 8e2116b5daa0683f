import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { PictorModuleExtras, PictorModuleOptions } from './interfaces/pictor-module-options.interface.js';
import { getPictorToken } from './get-pictor-token.js';
import { PICTOR_MODULE_OPTIONS } from './pictor.constants.js';
import { createPictorProvider } from './pictor.providers.js';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<PictorModuleOptions>({
    optionsInjectionToken: PICTOR_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createPictorOptions')
    .setExtras<PictorModuleExtras>({ isGlobal: false, name: undefined }, (definition, { isGlobal, name }) => ({
      ...definition,
      global: isGlobal,
      providers: [...(definition.providers ?? []), createPictorProvider(name)],
      exports: [getPictorToken(name)],
    }))
    .build();

/** What `PictorModule.forRoot()` takes: client options plus `isGlobal` and `name`. */
export type PictorModuleRootOptions = typeof OPTIONS_TYPE;
/** What `PictorModule.forRootAsync()` takes: `imports`, `inject`, `useFactory` / `useClass` / `useExisting`, `isGlobal`, `name`. */
export type PictorModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
