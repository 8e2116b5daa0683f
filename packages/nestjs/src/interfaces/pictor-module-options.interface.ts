import type { PictorClientOptions } from '@pictor/core';

/** Options of `PictorModule.forRoot()`: `@pictor/core`'s client options, validated when the app starts. */
export type PictorModuleOptions = PictorClientOptions;

/** Settings of the Nest module itself, given beside the client options. */
export interface PictorModuleExtras {
  /** Register the client in every module of the app without importing `PictorModule` again. Default false. */
  isGlobal?: boolean;
  /**
   * Registers a named client, injected with `@InjectPictor(name)`, beside (or instead of) the default one
   * injected as `PictorService`.
   */
  name?: string;
}

/** What a class given to `forRootAsync({ useClass })` or `useExisting` implements. */
export interface PictorOptionsFactory {
  createPictorOptions(): PictorModuleOptions | Promise<PictorModuleOptions>;
}
