/**
 * Bench conformance runner for real hardware:
 *
 *   npm run conformance -- --port /dev/serial/by-id/usb-FTDI_...-port0 [--protocol kerong] [--address N]
 *   npm run conformance -- --port tcp://192.168.1.50:4001 --protocol kerong --address 1 --lock 3 --allow-open
 *   npm run conformance -- --list        (suites and the serial adapters in /dev/serial/by-id)
 *
 * `--port` takes a device path (19200 8N1 unless `--baud`), or any link URL
 * (serial:/dev/...?baud=9600, usb:0403:6001, tcp://host:port). Each check prints PASS, FAIL or
 * SKIP (not run: the flag it needs was not given, with the reason). Exit code 0 = nothing failed
 * (skips allowed: the summary counts them apart), 1 = a check failed, 2 = bad arguments.
 */
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createLink } from '../../firmware-bridge/transport/createLink.ts';
import { parseLinkUrl } from '../../firmware-bridge/transport/linkUrl.ts';
import { listSerialById } from '../../firmware-bridge/transport/serialDiscovery.ts';
import { exitCodeOf, formatResults, runCheckList } from './runner.ts';
import { CONFORMANCE_SUITES, findSuite } from './suites.ts';

export function parseArgs(argv: string[]): Record<string, string | boolean> {
  const args: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    if (eq > 0) {
      args[a.slice(2, eq)] = a.slice(eq + 1);
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      args[a.slice(2)] = next;
      i++;
    } else args[a.slice(2)] = true;
  }
  return args;
}

function usage(): string {
  const lines = ['usage: npm run conformance -- --port <device path | link URL> [--protocol P] [--baud B] [suite options]', '', 'suites:'];
  for (const s of CONFORMANCE_SUITES) {
    lines.push(`  --protocol ${s.protocol}   ${s.description}`);
    for (const o of s.options) lines.push(`      ${o.flag.padEnd(16)} ${o.help}`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let args: Record<string, string | boolean>;
  try {
    args = parseArgs(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (args['help']) {
    console.log(usage());
    return 0;
  }
  if (args['list']) {
    console.log(usage());
    const ports = await listSerialById();
    console.log(`\nserial adapters in /dev/serial/by-id:${ports.length ? '' : ' none'}`);
    for (const p of ports) console.log(`  ${p.byIdPath} -> ${p.devicePath ?? '(dangling)'}`);
    return 0;
  }
  const port = args['port'];
  if (typeof port !== 'string') {
    console.error(`--port is required\n\n${usage()}`);
    return 2;
  }
  try {
    const protocol = typeof args['protocol'] === 'string' ? args['protocol'] : 'kerong';
    const suite = findSuite(protocol);
    const baud = typeof args['baud'] === 'string' ? `?baud=${args['baud']}` : '';
    const url = port.startsWith('/') ? `serial:${port}${baud}` : port;
    const spec = parseLinkUrl(url); // clear error on a bad address before touching hardware
    const clock = createSystemClock();
    const logger = createSilentLogger();
    const list = suite.create({ makeLink: () => createLink(spec, { clock, logger }), clock, logger, args });
    console.log(`conformance: ${suite.description} on ${url}`);
    const results = await runCheckList(list);
    console.log(formatResults(suite.protocol, results));
    return exitCodeOf(results);
  } catch (err) {
    console.error(`conformance: ${(err as Error).message}`);
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
