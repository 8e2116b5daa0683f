/** The name of the client registered by `PictorModule.forRoot()` without a `name`. */
export const DEFAULT_PICTOR_NAME = 'default';

/** Injection token of a `PictorModule`'s options (each `forRoot` has its own, scoped to its module). */
export const PICTOR_MODULE_OPTIONS = 'PICTOR_MODULE_OPTIONS';
