#!/usr/bin/env node
// The `dorfpunkt` command: runs the TypeScript entry points through tsx (no build step).
//   dorfpunkt point [--sim] [--config file]     run a point controller
//   dorfpunkt credentials <keygen|issue|verify|hash-pin> ...
//   dorfpunkt backoffice [...]                  run the backoffice (and its CLI commands)
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// tsx from this repository's node_modules, whatever the current directory is
const tsxLoader = pathToFileURL(createRequire(new URL('../package.json', import.meta.url)).resolve('tsx')).href;
const [command, ...rest] = process.argv.slice(2);
const entries = {
  point: ['controller/main.ts', rest],
  credentials: ['controller/cli/main.ts', ['credentials', ...rest]],
  backoffice: ['backoffice/cli.ts', rest],
  sim: ['bin/start.ts', rest],
};
const entry = entries[command ?? ''];
if (!entry) {
  process.stderr.write(`usage: dorfpunkt <${Object.keys(entries).join('|')}> [options]\n`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', tsxLoader, `${root}${entry[0]}`, ...entry[1]], { stdio: 'inherit' });
process.exit(result.status ?? 1);
