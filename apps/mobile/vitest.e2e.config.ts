import { defineConfig } from 'vitest/config';

// The app in Debian's Chromium (phone viewport, fake camera fed from real faces) against a real server.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
