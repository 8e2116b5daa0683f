import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // n8n-workflow's CommonJS build, as n8n itself loads it (its ESM build has extension-less imports).
  resolve: { alias: { 'n8n-workflow': createRequire(import.meta.url).resolve('n8n-workflow') } },
  test: {
    include: ['{credentials,nodes,test}/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
