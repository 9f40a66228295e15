import { defineConfig } from 'vitest/config';

// End-to-end: real RTSP cameras on loopback, real models, a real Hadir child process. One file at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
