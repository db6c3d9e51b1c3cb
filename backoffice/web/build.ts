/**
 * Builds the operators' web app (backoffice/web) with Vite into `backoffice/web/dist`, the folder the
 * backoffice serves (`--web`, `webRoot`). Used by `npm start` (bin/start.ts) and the browser tests.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const WEB_CONFIG = fileURLToPath(new URL('./vite.config.ts', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('./dist', import.meta.url));

/**
 * Builds the app and returns the folder to serve (its `index.html` and `assets/`). Tests pass their
 * own `outDir`: Vite empties the folder before writing, so builds running at the same time into one
 * folder would delete each other's assets while a page is loading them.
 */
export async function buildWebApp(outDir: string = WEB_DIST): Promise<string> {
  await build({ configFile: WEB_CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}
