import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Every n8n command is a fresh process that boots n8n (several seconds each); a fresh machine also
    // installs n8n once (minutes) in the first beforeAll.
    testTimeout: 180_000,
    hookTimeout: 900_000,
    // One n8n at a time: the machine is shared.
    fileParallelism: false,
  },
});
