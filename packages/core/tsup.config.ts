import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per runtime or layer (package.json `exports`): a bundle that imports only the kernel holds no
  // undici, no file system and no YAML.
  entry: {
    index: 'src/index.ts',
    kernel: 'src/kernel.ts',
    fetch: 'src/fetch.ts',
    storage: 'src/storage/index.ts',
    batch: 'src/batch/index.ts',
  },
  format: ['esm', 'cjs'],
  // Shared chunks, so the entries share one copy of each module (one error hierarchy, one validated-request set).
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
});
