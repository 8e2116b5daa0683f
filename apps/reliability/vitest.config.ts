import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Two files at a time: the suites mostly wait on child processes (the CLI, the Action, the Nest app, the
    // soak) and loopback HTTP. The timeouts they provoke on purpose sit far from any real answer's latency.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
