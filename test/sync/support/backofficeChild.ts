/**
 * The product backoffice as a separate process (as in production), for benchmarks and crash tests
 * that must not share the point's event loop. Prints "ready" once subscribed; stops on SIGTERM.
 *
 * argv: <brokerUrl> <sqlitePath | postgres://url> [--schema <pgSchema>] [--die before-commit|after-commit]
 *
 * `--die` kills the process with SIGKILL inside the product ingest's hook at its first commit that
 * stores new events: `before-commit` inside the transaction after every write (nothing may survive),
 * `after-commit` after the COMMIT and before any `down/ack` (the point must resend, nothing may
 * be stored twice). It prints "dying <where>" first (stdout to a pipe is synchronous on Linux).
 */
import { parseArgs } from 'node:util';
import { createSystemClock } from '../../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { startBackoffice } from '../../../backoffice/main.ts';
import type { IngestHooks } from '../../../backoffice/ingest/ingestQueue.ts';
import type { IngestOutcome } from '../../../backoffice/ingest/ingestStore.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { schema: { type: 'string' }, die: { type: 'string' } } });
const [brokerUrl, dbArg] = positionals;
if (!brokerUrl || !dbArg) throw new Error('usage: backofficeChild <brokerUrl> <sqlitePath|postgres://...> [--schema s] [--die before-commit|after-commit]');
const die = values.die;
if (die !== undefined && die !== 'before-commit' && die !== 'after-commit') throw new Error(`--die must be before-commit or after-commit, not ${die}`);

const dieHere = (where: string, outcomes: readonly IngestOutcome[]): void => {
  const stored = outcomes.reduce((n, o) => n + o.stored, 0);
  if (stored === 0) return;
  process.stdout.write(`dying ${where} (${stored} new events in the group)\n`);
  process.kill(process.pid, 'SIGKILL');
};
const hooks: IngestHooks | undefined =
  die === 'before-commit'
    ? { beforeCommit: (_b, o) => dieHere(die, o) }
    : die === 'after-commit'
      ? { afterCommitBeforeAck: (_b, o) => dieHere(die, o) }
      : undefined;

const bo = await startBackoffice({
  db: dbArg.startsWith('postgres://') ? { kind: 'postgres', url: dbArg, ...(values.schema ? { schema: values.schema } : {}) } : { kind: 'sqlite', path: dbArg },
  mqttUrl: brokerUrl,
  clientId: `bo-child-${process.pid}`,
  ...(hooks ? { ingestHooks: hooks } : {}),
  clock: createSystemClock(),
  logger: createSilentLogger(),
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void bo.stop().finally(() => process.exit(0));
});
