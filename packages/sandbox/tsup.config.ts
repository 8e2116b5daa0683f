import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Keep the CLI build of the second config, which runs at the same time.
    clean: ['!cli.js', '!cli.js.map'],
    target: 'node22',
    // `import.meta.url` (used to find ../specs/) becomes a __filename-based URL in the CJS build.
    shims: true,
  },
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node22',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
