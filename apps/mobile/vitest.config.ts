import { defineConfig } from 'vitest/config';

// Unit tests of the app's own logic (signing, strings). The screens are driven end to end in Chromium.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
