/** The web app's API client and words, without a browser: CSRF on writes, lockout wait, languages. */
import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from '../../backoffice/web/src/api.ts';
import { initialLang, translator } from '../../backoffice/web/src/i18n.ts';
import { errorText } from '../../backoffice/web/src/errors.ts';
import { lockerSummary } from '../../backoffice/web/src/lockerSummary.ts';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function fakeFetch(answers: Response[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (input, init) => {
      calls.push({
        url: String(input),
        method: init?.method ?? 'GET',
        headers: (init?.headers ?? {}) as Record<string, string>,
        body: init?.body as string | undefined,
      });
      const next = answers.shift();
      if (!next) throw new TypeError('Failed to fetch');
      return next;
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const session = {
  user: { id: 'u1', username: 'anna', displayName: 'Anna', role: 'operator', totpEnabled: true, disabled: false, createdAt: 0, updatedAt: 0 },
  csrfToken: 'tok-1',
  enrolmentRequired: false,
  totpVerified: true,
};

describe('backoffice web API client', () => {
  it('sends the CSRF token from the login answer with the sign-out, and none before signing in', async () => {
    const f = fakeFetch([json(200, session), json(200, { ok: true })]);
    const api = createApi(f.fetch);
    await api.login({ username: 'anna', password: 'pw', totp: '123456' });
    await api.logout();
    expect(f.calls[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(JSON.parse(f.calls[0]!.body!)).toEqual({ username: 'anna', password: 'pw', totp: '123456' });
    expect(f.calls[1]).toMatchObject({ url: '/api/auth/logout', method: 'POST' });
    expect(f.calls[1]!.headers['x-csrf-token']).toBe('tok-1');
  });

  it('leaves an empty TOTP code out of the login body (roles without a second factor)', async () => {
    const f = fakeFetch([json(200, session)]);
    await createApi(f.fetch).login({ username: 'anna', password: 'pw', totp: '' });
    expect(JSON.parse(f.calls[0]!.body!)).toEqual({ username: 'anna', password: 'pw' });
  });

  it('turns a lockout into an error with the wait from Retry-After, worded with the time in both languages', async () => {
    const f = fakeFetch([json(429, { error: 'locked', message: 'Zu viele Fehlversuche.' }, { 'retry-after': '60' })]);
    const e = await createApi(f.fetch)
      .login({ username: 'x', password: 'y' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 429, code: 'locked', retryAfterSec: 60 });
    const now = new Date(2026, 11, 6, 10, 0, 0).getTime();
    expect(errorText(translator('de'), 'de', e, now)).toBe('Zu viele Fehlversuche. Bitte in 60 s erneut versuchen (ab 10:01:00 Uhr).');
    expect(errorText(translator('en'), 'en', e, now)).toBe('Too many failed attempts. Please try again in 60 s (at 10:01:00).');
  });

  it('reports a refused connection as a network error, and a non-JSON 502 by its status', async () => {
    const down = await createApi(fakeFetch([]).fetch)
      .fleet()
      .catch((x: unknown) => x);
    expect(down).toMatchObject({ status: 0, code: 'network' });
    expect(errorText(translator('de'), 'de', down, 0)).toBe('Keine Verbindung zum Backoffice. Bitte die Netzwerkverbindung prüfen.');
    const proxy = await createApi(fakeFetch([new Response('<html>Bad gateway</html>', { status: 502 })]).fetch)
      .fleet()
      .catch((x: unknown) => x);
    expect(proxy).toMatchObject({ status: 502, code: 'error', message: 'HTTP 502' });
  });

  it('asks for the alarms of a site by its encoded id', async () => {
    const f = fakeFetch([json(200, { siteId: 'dorf 1', alarms: [] })]);
    await createApi(f.fetch).alarms('dorf 1');
    expect(f.calls[0]!.url).toBe('/api/sites/dorf%201/alarms');
  });
});

describe('backoffice web languages', () => {
  it('starts in German, takes ?lang=en over a remembered choice, and ignores unknown languages', () => {
    expect(initialLang('', null)).toBe('de');
    expect(initialLang('?lang=en', 'de')).toBe('en');
    expect(initialLang('?lang=de', 'en')).toBe('de');
    expect(initialLang('?lang=fr', null)).toBe('de');
    expect(initialLang('', 'en')).toBe('en');
  });
});

describe('the fleet card locker line', () => {
  const counts = { free: 10, reserved: 0, occupied: 2, outOfService: 0, uncollected: 0 };
  it("says the real total once the point reported its compartments, and hedges ('gemeldet') before", () => {
    const reported = { ...counts, reported: true, compartments: 12 };
    const seen = { ...counts, free: 1, reported: false, compartments: 3 };
    expect(lockerSummary(translator('de'), reported)).toBe('2 von 12 Fächern belegt, 0 reserviert, 10 frei');
    expect(lockerSummary(translator('en'), reported)).toBe('2 of 12 compartments occupied, 0 reserved, 10 free');
    expect(lockerSummary(translator('de'), seen)).toBe('2 belegt, 0 reserviert, 1 frei (von 3 gemeldeten Fächern)');
    expect(lockerSummary(translator('en'), seen)).toBe('2 occupied, 0 reserved, 1 free (of 3 compartments reported)');
    const none = { ...counts, free: 0, occupied: 0, compartments: 0 };
    expect([lockerSummary(translator('de'), { ...none, reported: true }), lockerSummary(translator('de'), { ...none, reported: false })]).toEqual([
      'keine',
      'keine gemeldet',
    ]);
    expect([lockerSummary(translator('en'), { ...none, reported: true }), lockerSummary(translator('en'), { ...none, reported: false })]).toEqual([
      'none',
      'none reported',
    ]);
  });
});
