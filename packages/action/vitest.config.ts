import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    // Some tests start Node processes (the bundle, local-action); two at a time is plenty on a shared machine.
    maxWorkers: 2,
  },
});
