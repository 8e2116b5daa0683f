// Preloaded (`node --import`) into the Action's own build script by bundle-composition.ts: the script's
// `import { build } from 'esbuild'` gets a `build` that adds `metafile: true` and writes the metafile to
// $BENCH_METAFILE, so the composition is measured with exactly the Action's settings and plugins.
import { registerHooks } from 'node:module';

const wrapper = new URL('./esbuild-metafile-wrapper.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'esbuild' && context.parentURL?.endsWith('/build.mjs'))
      return { url: wrapper, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
