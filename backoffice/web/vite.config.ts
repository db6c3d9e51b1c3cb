/**
 * Vite build of the operators' web app: root `backoffice/web`, output `backoffice/web/dist`
 * (gitignored), served by the backoffice (http/routes/web.ts). Preact's JSX through Vite's own
 * transform (Oxc in Vite 8; no plugin). `npx vite build --config backoffice/web/vite.config.ts`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // One script and one stylesheet; no inline module-preload polyfill (the page's CSP has no 'unsafe-inline').
    modulePreload: false,
  },
});
