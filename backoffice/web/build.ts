/**
 * Builds the operators' web app (backoffice/web) with Vite into `backoffice/web/dist`, the folder the
 * backoffice serves (`--web`, `webRoot`). Used by `npm start` (bin/start.ts) and the browser tests.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const WEB_CONFIG = fileURLToPath(new URL('./vite.config.ts', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('./dist', import.meta.url));

/** Builds the app and returns the folder to serve (its `index.html` and `assets/`). */
export async function buildWebApp(): Promise<string> {
  await build({ configFile: WEB_CONFIG, logLevel: 'warn' });
  return WEB_DIST;
}
