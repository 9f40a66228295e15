import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { VitePWA } from 'vite-plugin-pwa';

// The attendance app for members and officers. The server serves dist/ under /m/ on the API's origin;
// the service worker caches the shell so the app opens and queues check-ins with no network.
export default defineConfig({
  base: '/m/',
  plugins: [
    react(),
    tailwindcss(),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      manifest: {
        name: 'Hadir Attendance',
        short_name: 'Hadir',
        description: 'Check in and out with your face',
        theme_color: '#2E3192',
        background_color: '#F5F5F5',
        display: 'standalone',
        orientation: 'portrait',
        start_url: '/m/',
        scope: '/m/',
        icons: [
          { src: '/m/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: '/m/icon-maskable.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'maskable' },
        ],
      },
      workbox: {
        navigateFallback: '/m/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        globPatterns: ['**/*.{js,css,html,svg,woff2}'],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  server: {
    proxy: { '/api': { target: 'http://localhost:8080', changeOrigin: false } },
  },
  build: { target: 'es2022', sourcemap: false },
});
