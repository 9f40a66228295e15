import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Unit tests of components and i18n in jsdom. End-to-end tests have their own config (vitest.e2e.config.ts).
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
