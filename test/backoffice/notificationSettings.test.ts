/**
 * `GET/PUT /api/me/notifications`: a user sees defaults (off) until they save; a saved setting comes
 * back as saved, is the user's own and is audited; bad input (address, missing address when on,
 * unknown time zone, empty quiet hours, malformed time) gets a clear 400 and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, type SignedIn } from './authFixture.ts';
import { startHarness, type Harness } from './authHarness.ts';

const GOOD = {
  email: 'anna@example.org',
  enabled: true,
  minSeverity: 'critical',
  quietHours: { start: '21:30', end: '06:15' },
  timeZone: 'Europe/Berlin',
  language: 'en',
};

describe('notification settings API', () => {
  let h: Harness;
  let anna: SignedIn;
  let max: SignedIn;
  beforeAll(async () => {
    h = await startHarness('sqlite');
    anna = await signIn(h.db.db, 'operator', h.clock.now());
    max = await signIn(h.db.db, 'technician', h.clock.now());
  });
  afterAll(async () => {
    await h?.close();
  });
  const get = (who: SignedIn) => h.inject({ method: 'GET', url: '/api/me/notifications', headers: who.headers });
  const put = (who: SignedIn, payload: object) => h.inject({ method: 'PUT', url: '/api/me/notifications', headers: who.headers, payload });

  it('shows defaults until saved, then what was saved, only to its owner; the change is audited', async () => {
    await expect(get(anna).then((r) => r.json())).resolves.toMatchObject({ enabled: false, email: '', timeZone: 'Europe/Berlin', language: 'de' });
    const r = await put(anna, GOOD);
    expect(r.statusCode, r.body).toBe(200);
    expect((await get(anna)).json()).toEqual(GOOD);
    expect((await get(max)).json()).toMatchObject({ enabled: false, email: '' });
    const audit = await h.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'notifications.update').where('user_id', '=', anna.user.id).execute();
    expect(audit.map((a) => a.outcome)).toEqual(['ok']);
  });

  it('refuses bad input with a clear code and keeps the saved settings', async () => {
    const cases: [object, string][] = [
      [{ ...GOOD, email: 'anna at example' }, 'bad-email'],
      [{ ...GOOD, email: '' }, 'email-required'],
      [{ ...GOOD, timeZone: 'Europe/Atlantis' }, 'bad-time-zone'],
      [{ ...GOOD, quietHours: { start: '22:00', end: '22:00' } }, 'empty-quiet-hours'],
      [{ ...GOOD, quietHours: { start: '25:00', end: '06:00' } }, 'bad-request'],
      [{ ...GOOD, minSeverity: 'panic' }, 'bad-request'],
      [{ ...GOOD, extra: 1 }, 'bad-request'],
    ];
    for (const [body, code] of cases) {
      const r = await put(anna, body);
      expect([r.statusCode, (r.json() as { error: string }).error], JSON.stringify(body)).toEqual([400, code]);
    }
    expect((await get(anna)).json()).toEqual(GOOD);
    // switched off, no address is fine
    expect((await put(anna, { ...GOOD, enabled: false, email: '' })).statusCode).toBe(200);
  });
});
