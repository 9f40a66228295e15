import { defineConfig } from 'vitest/config';

// Browser tests against a real server; one file at a time, generous timeouts (the CI box is small).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
