/**
 * Builds the kiosk app with Vite into kiosk-ui/dist (served by the controller at /kiosk/).
 * Used by `npm start` (bin/start.ts) and the browser tests; `npx tsx kiosk-ui/build.ts` by hand.
 * Returns the gzip size of the JavaScript, which must stay within JS_GZIP_BUDGET.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/** The kiosk's JavaScript, compressed (gzip), must not exceed this (issue 10: ≤ 170 KB). */
export const JS_GZIP_BUDGET = 170 * 1024;

const root = fileURLToPath(new URL('.', import.meta.url));
export const KIOSK_DIST = join(root, 'dist');

export interface KioskBuild {
  outDir: string;
  /** gzip-compressed bytes of all JavaScript files. */
  jsGzipBytes: number;
}

export async function buildKiosk(outDir: string = KIOSK_DIST): Promise<KioskBuild> {
  await build({
    root,
    base: '/kiosk/',
    configFile: false,
    logLevel: 'warn',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
  return { outDir, jsGzipBytes: jsGzipSize(outDir) };
}

/** gzip bytes of every .js file under `dir` (level 9, as a web server would send them). */
export function jsGzipSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    total += gzipSync(readFileSync(join(entry.parentPath, entry.name)), { level: 9 }).length;
  }
  return total;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildKiosk();
  process.stdout.write(`kiosk-ui built into ${r.outDir}: ${(r.jsGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped (budget ${JS_GZIP_BUDGET / 1024} KB)\n`);
  if (r.jsGzipBytes > JS_GZIP_BUDGET) process.exitCode = 1;
}
