/**
 * Alarm e-mails from the backoffice as a real process on the system clock, to a real local SMTP
 * server: quiet hours of a few seconds hold a warning while a critical alarm goes out at once, and
 * the held one arrives as a digest only after they end; a mail queued while SMTP is down survives
 * `kill -9` of the backoffice and is sent after the restart, once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openDatabase, type Database } from '../../backoffice/db/database.ts';
import { ingestBatch } from '../../backoffice/ingest/ingestStore.ts';
import { putSettings } from '../../backoffice/alarms/notificationSettings.ts';
import { formatTimeOfDay, localSecondOfDay } from '../../backoffice/alarms/quietHours.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink.ts';
import { waitFor } from '../support/waitFor.ts';
import { signIn } from './authFixture.ts';
import { batchOf, ev } from './projectionSupport.ts';

const CHILD = join(import.meta.dirname, 'support', 'alarmMailChild.ts');

async function start(dataDir: string, smtpUrl: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, smtpUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => {
      if (l.startsWith('ready ')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`backoffice exited with ${code}`)));
  });
  return proc;
}

function kill9(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

const warning = (seq: number, at: number) =>
  ev(seq, at, 'alarm.raised', {
    key: 'fridge:k1:temperature',
    source: 'fridge',
    kind: 'temperature',
    severity: 'warning',
    reason: 'Kühl 1: 8.2 °C',
    since: at,
  });

describe('alarm e-mails from a real backoffice process', () => {
  const dirs: string[] = [];
  const procs: ChildProcess[] = [];
  const sinks: SmtpSink[] = [];
  const dbs: Database[] = [];
  afterAll(async () => {
    for (const p of procs) await kill9(p);
    for (const s of sinks) await s.stop();
    for (const d of dbs) await d.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const setup = async (smtpUrl: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-alarmmail-'));
    dirs.push(dir);
    const proc = await start(dir, smtpUrl);
    procs.push(proc);
    const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'backoffice.db') });
    dbs.push(database);
    return { dir, proc, db: database.db };
  };

  it('holds a warning during quiet hours of a few seconds on the system clock, sends a critical one at once, and the digest after they end', async () => {
    const sink = await startSmtpSink();
    sinks.push(sink);
    const { db } = await setup(sink.url);
    const anna = await signIn(db, 'operator', Date.now(), { username: 'anna' });
    const now = Date.now();
    const tz = 'Europe/Berlin';
    // quiet from a minute ago until 5 s from now (whole seconds, local time in Berlin)
    const endAt = Math.floor(now / 1000) * 1000 + 5000;
    const s = localSecondOfDay(now, tz);
    const quietHours = { start: formatTimeOfDay((s - 60 + 86_400) % 86_400), end: formatTimeOfDay((s + 5) % 86_400) };
    await putSettings(db, anna.user.id, { email: 'anna@example.org', enabled: true, minSeverity: 'warning', quietHours, timeZone: tz, language: 'de' }, now);
    await ingestBatch(db, batchOf('dorf-echt', [warning(1, now), ev(2, now, 'alarm.forced-open', {})]), now);

    await waitFor(() => sink.mails.length >= 1, { what: 'the critical alarm mail' });
    expect(Date.now()).toBeLessThan(endAt);
    expect(sink.mails.map((m) => m.subject)).toEqual(['[dorfpunkt] Kritisch: Tür gewaltsam geöffnet – dorf-echt']);

    await waitFor(() => sink.mails.length >= 2, { what: 'the digest after the quiet hours', timeoutMs: 15_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(endAt);
    expect(sink.mails[1]!.subject).toBe('[dorfpunkt] 1 Alarm aus der Ruhezeit');
    expect(sink.mails[1]!.text).toContain('Kühlung zu warm');
  }, 30_000);

  it('sends a mail queued while SMTP was down after kill -9 and a restart of the backoffice, once', async () => {
    const sink = await startSmtpSink();
    sinks.push(sink);
    await sink.stop(); // SMTP is down; its port is known
    const first = await setup(sink.url);
    const anna = await signIn(first.db, 'operator', Date.now(), { username: 'anna' });
    await putSettings(
      first.db,
      anna.user.id,
      { email: 'anna@example.org', enabled: true, minSeverity: 'warning', quietHours: null, timeZone: 'Europe/Berlin', language: 'en' },
      Date.now(),
    );
    const outcome = await ingestBatch(first.db, batchOf('dorf-kill', [ev(1, Date.now(), 'alarm.forced-open', {})]), Date.now());
    expect(outcome.upTo).toBe(1);
    const queued = () => first.db.selectFrom('alarm_mail_outbox').selectAll().executeTakeFirst();
    await waitFor(async () => Number((await queued())?.attempts ?? 0) >= 1, { what: 'a failed send attempt' });
    await kill9(first.proc);
    expect((await queued())?.status).toBe('pending');

    await sink.restart();
    procs.push(await start(first.dir, sink.url));
    await waitFor(() => sink.mails.length >= 1, { what: 'the queued mail after the restart', timeoutMs: 10_000 });
    expect(sink.mails.map((m) => [m.to, m.subject])).toEqual([[['anna@example.org'], '[dorfpunkt] Critical: Door forced open – dorf-kill']]);
    await waitFor(async () => (await queued())?.status === 'sent', { what: 'the outbox row marked sent' });
    expect(sink.mails).toHaveLength(1);
  }, 30_000);
});
