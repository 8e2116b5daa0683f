import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{credentials,nodes,test}/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
