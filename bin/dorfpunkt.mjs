#!/usr/bin/env node
// The `dorfpunkt` command: runs the TypeScript entry points through tsx (no build step).
//   dorfpunkt point [--sim] [--config file]     run a point controller
//   dorfpunkt credentials <keygen|issue|verify|hash-pin> ...
//   dorfpunkt backoffice [...]                  run the backoffice (and its CLI commands)
//
// The entry point runs in a child process. SIGTERM, SIGINT and SIGHUP sent to this wrapper
// (systemd sends SIGTERM to the main process only) are passed on to the child, and the wrapper
// ends the way the child ended: same exit code, or, when the child died of a signal, the same
// signal raised on itself (exit code 128 + n if that signal does not end it).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
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

const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP'];
const child = spawn(process.execPath, ['--import', tsxLoader, `${root}${entry[0]}`, ...entry[1]], { stdio: 'inherit' });
const forward = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of FORWARDED) process.on(signal, forward);

child.on('error', (err) => {
  process.stderr.write(`dorfpunkt: cannot run ${entry[0]}: ${err.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  // died of a signal: die of the same one, so a supervisor sees what really happened
  for (const s of FORWARDED) process.off(s, forward);
  const n = constants.signals[signal] ?? 0;
  setTimeout(() => process.exit(128 + n), 1000); // only if the signal did not end us
  process.kill(process.pid, signal);
});
