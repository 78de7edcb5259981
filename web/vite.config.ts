// The web app's build: Preact through esbuild's JSX transform (no plugin), hashed files under
// assets/, no inline script (the server's Content-Security-Policy forbids it), and the dev server
// proxying the API to a local `lucas serve`.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2020',
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0, // every asset is a file: CSP-friendly and cached for a year
    reportCompressedSize: false,
    rollupOptions: {
      output: {
        // Telegram's script (loaded only inside Telegram) gets a name of its own.
        manualChunks: (id) => (id.includes('/@twa-dev/') ? 'telegram-web-app' : undefined),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
});
