import { defineConfig } from 'vite';

// `base: './'`: every asset path is relative to index.html, so the dashboard works behind a reverse proxy on a
// sub-path (https://host/baqup/) as well as at the root of the API's port.
export default defineConfig({
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      // TanStack Query's "use client" directives mean nothing outside a server-components bundler.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
