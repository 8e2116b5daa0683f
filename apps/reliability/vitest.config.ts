import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The soak and the front-door tests spawn processes and run real loopback HTTP: one file at a time keeps
    // a 2-core CI machine from starving the timeouts the tests provoke on purpose.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
