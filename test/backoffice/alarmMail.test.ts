/**
 * Alarm e-mails through a real local SMTP server (smtp-server on a free port), on a controllable
 * clock, on SQLite and PostgreSQL: an ingested alarm reaches each subscribed user with the right
 * content in their language; quiet hours hold a warning and let a critical alarm through, and the
 * held one arrives as a digest when they end; SMTP down: ingest still succeeds, the mail waits in
 * the outbox and is delivered once SMTP is back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../backoffice/ingest/ingestStore.ts';
import { AlarmNotifier } from '../../backoffice/alarms/alarmNotifier.ts';
import { smtpTransport } from '../../backoffice/alarms/mailer.ts';
import { putSettings } from '../../backoffice/alarms/notificationSettings.ts';
import type { NotificationSettingsBody } from '../../backoffice/http/schemas/alarms.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { openTestDb, postgresSkipReason, type TestDb } from '../support/testDb.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink.ts';
import { signIn } from './authFixture.ts';
import { batchOf, ev } from './projectionSupport.ts';
import type { Role } from '../../backoffice/db/schema.ts';

const pgSkip = await postgresSkipReason('alarm mail tests on PostgreSQL');
if (pgSkip) console.warn(pgSkip);

/** 1 March 2027 is winter time: Berlin = UTC+1. */
const berlin = (h: number, m: number, s = 0): number => Date.UTC(2027, 2, 1, h - 1, m, s);

const fridgeWarm = (seq: number, at: number) =>
  ev(seq, at, 'alarm.raised', {
    key: 'fridge:k1:temperature',
    source: 'fridge',
    kind: 'temperature',
    severity: 'warning',
    reason: 'Kühl 1: 8.2 °C',
    since: at - 60_000,
  });

describe.each([
  { name: 'SQLite', kind: 'sqlite' as const, skip: false },
  { name: 'PostgreSQL', kind: 'postgres' as const, skip: pgSkip !== null },
])('alarm e-mails on $name', ({ kind, skip }) => {
  let sink: SmtpSink;
  const open: { db: TestDb; notifier: AlarmNotifier }[] = [];
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.stop();
  });
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.notifier.stop();
      await o.db.dispose();
    }
    sink.mails.length = 0;
  });

  const setup = async (startAt: number) => {
    const db = await openTestDb(kind);
    const clock = new ManualClock(startAt);
    const notifier = new AlarmNotifier({
      db: db.db,
      transport: smtpTransport({ url: sink.url, from: 'dorfpunkt <alarme@dorfpunkt.example>', timeoutMs: 2000 }),
      clock,
      logger: createSilentLogger(),
      retryBaseMs: 10_000,
      webUrl: 'https://backoffice.example',
    });
    open.push({ db, notifier });
    const user = async (role: Role, name: string, s: Partial<NotificationSettingsBody>) => {
      const u = await signIn(db.db, role, clock.now(), { username: name });
      await putSettings(
        db.db,
        u.user.id,
        { email: `${name}@example.org`, enabled: true, minSeverity: 'warning', quietHours: null, timeZone: 'Europe/Berlin', language: 'de', ...s },
        clock.now(),
      );
      return `${name}@example.org`;
    };
    return { db, clock, notifier, user };
  };

  it.skipIf(skip)('mails an ingested alarm to each subscribed user with the right content, in German or English', async () => {
    const { db, clock, notifier, user } = await setup(berlin(14, 0));
    const anna = await user('operator', 'anna', {});
    const bob = await user('admin', 'bob', { language: 'en', minSeverity: 'critical' });
    const carl = await user('operator', 'carl', { enabled: false });
    const acc = await user('accountant', 'ida', {});
    await ingestBatch(
      db.db,
      batchOf('dorf-nord', [fridgeWarm(1, berlin(13, 59)), ev(2, berlin(14, 0), 'alarm.forced-open', {}), ev(3, berlin(14, 0, 5), 'door.closed', {})]),
      clock.now(),
    );
    await notifier.tick();

    expect(sink.to(anna).map((m) => m.subject)).toEqual([
      '[dorfpunkt] Warnung: Kühlung zu warm – dorf-nord',
      '[dorfpunkt] Kritisch: Tür gewaltsam geöffnet – dorf-nord',
    ]);
    const door = sink.to(anna)[1]!.text;
    expect(door).toContain('Standort: dorf-nord');
    expect(door).toContain('Schwere: Kritisch');
    expect(door).toContain('Seit: 01.03.2027, 14:00:00');
    expect(door).toContain('Meldung des Punkts: door opened without a grant');
    expect(door).toContain('https://backoffice.example/#/sites/dorf-nord/alarms');
    expect(sink.to(bob).map((m) => m.subject)).toEqual(['[dorfpunkt] Critical: Door forced open – dorf-nord']);
    expect(sink.to(bob)[0]!.text).toContain('Since: 1 Mar 2027, 14:00:00');
    expect(sink.to(carl)).toEqual([]);
    expect(sink.to(acc)).toEqual([]);

    // nothing twice: another pass and the same batch again (a duplicate) send nothing new
    await ingestBatch(db.db, batchOf('dorf-nord', [fridgeWarm(1, berlin(13, 59))]), clock.now());
    await notifier.tick();
    expect(sink.mails).toHaveLength(3);
  });

  it.skipIf(skip)('does not mail alarms received more than a day before the notifier saw them (turned on later)', async () => {
    const { db, clock, notifier, user } = await setup(berlin(12, 0));
    const anna = await user('operator', 'anna', {});
    await ingestBatch(db.db, batchOf('dorf-alt', [ev(1, berlin(12, 0), 'alarm.forced-open', {})]), clock.now() - 86_400_001);
    await ingestBatch(db.db, batchOf('dorf-alt', [fridgeWarm(2, berlin(12, 0))]), clock.now() - 86_400_000);
    await notifier.tick();
    expect(sink.to(anna).map((m) => m.subject)).toEqual(['[dorfpunkt] Warnung: Kühlung zu warm – dorf-alt']);
  });

  it.skipIf(skip)('holds a warning in quiet hours but sends a critical alarm at once; the held one arrives as a digest when quiet hours end', async () => {
    const { db, clock, notifier, user } = await setup(berlin(23, 30));
    const anna = await user('operator', 'anna', { quietHours: { start: '22:00', end: '06:00' } });
    const bob = await user('operator', 'bob', { language: 'en' });
    await ingestBatch(db.db, batchOf('dorf-sued', [fridgeWarm(1, berlin(23, 29)), ev(2, berlin(23, 30), 'alarm.forced-open', {})]), clock.now());
    await notifier.tick();
    expect(sink.to(anna).map((m) => m.subject)).toEqual(['[dorfpunkt] Kritisch: Tür gewaltsam geöffnet – dorf-sued']);
    expect(sink.to(bob)).toHaveLength(2); // no quiet hours: both at once

    // 05:59:59 the next morning: still quiet
    clock.setWall(berlin(29, 59, 59));
    await notifier.tick();
    expect(sink.to(anna)).toHaveLength(1);

    clock.setWall(berlin(30, 0, 0));
    await notifier.tick();
    const digest = sink.to(anna)[1]!;
    expect(digest.subject).toBe('[dorfpunkt] 1 Alarm aus der Ruhezeit');
    expect(digest.text).toContain('Alarm: Kühlung zu warm');
    expect(digest.text).toContain('Seit: 01.03.2027, 23:28:00');
    await notifier.tick();
    expect(sink.to(anna)).toHaveLength(2);
  });

  it.skipIf(skip)('with SMTP down, ingest still succeeds and the mail is delivered once SMTP is back', async () => {
    const { db, clock, notifier, user } = await setup(berlin(10, 0));
    const anna = await user('operator', 'anna', {});
    await sink.stop();
    try {
      const outcome = await ingestBatch(db.db, batchOf('dorf-ost', [ev(1, berlin(10, 0), 'alarm.forced-open', {})]), clock.now());
      expect(outcome).toMatchObject({ upTo: 1 });
      await notifier.tick();
      const row = await db.db.selectFrom('alarm_mail_outbox').selectAll().executeTakeFirstOrThrow();
      expect([row.status, Number(row.attempts), Number(row.next_attempt_at)]).toEqual(['pending', 1, berlin(10, 0) + 10_000]);
      expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await sink.restart();
    }
    // before the retry is due: nothing
    clock.setWall(berlin(10, 0, 9));
    await notifier.tick();
    expect(sink.to(anna)).toEqual([]);
    clock.setWall(berlin(10, 0, 10));
    await notifier.tick();
    expect(sink.to(anna).map((m) => m.subject)).toEqual(['[dorfpunkt] Kritisch: Tür gewaltsam geöffnet – dorf-ost']);
    await notifier.tick();
    expect(sink.to(anna)).toHaveLength(1);
  });
});
