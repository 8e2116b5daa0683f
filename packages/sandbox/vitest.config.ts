import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    // The CLI and CommonJS tests run dist/; this builds it when it is missing or stale.
    globalSetup: ['src/__fixtures__/build-dist.ts'],
  },
});
