import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The smoke test runs the whole harness in --quick mode: child processes, a server, the Action.
    testTimeout: 180_000,
  },
});
