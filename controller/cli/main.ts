/** `dorfpunkt credentials …` — the point-side CLI (key pair, tokens, QR codes, PIN hashes). */
import { runCredentialsCli } from './credentials.ts';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'credentials') {
  process.stderr.write('usage: dorfpunkt credentials <keygen|issue|verify|hash-pin> [options]\n');
  process.exit(2);
}
const code = await runCredentialsCli(rest, {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
process.exit(code);
