import { defineConfig } from 'vitest/config';

// The components are exercised in apps/web (jsdom, with the app's strings); here only the token checks run.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
  },
});
