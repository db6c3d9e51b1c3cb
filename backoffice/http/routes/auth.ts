/**
 * Sign-in, sign-out, the current session, and TOTP enrolment. The login answer and `me` carry the
 * CSRF token for the `x-csrf-token` header. Login needs no CSRF token (there is no session yet):
 * it accepts only application/json, which no cross-site form can send without a CORS preflight.
 */
import type { FastifyRequest } from 'fastify';
import { totpRequired } from '../../accounts/roles.ts';
import { csrfTokenFor, deleteSession, markSessionTotpVerified } from '../../accounts/sessions.ts';
import { checkTotp, newTotpSecret, totpUri } from '../../accounts/totp.ts';
import { findUserById, UserInputError, userView, type UserRow } from '../../accounts/users.ts';
import type { App, RouteDeps } from '../types.ts';
import { anonymousActor, authOf, clearSessionCookie, setSessionCookie } from '../plugins/auth.ts';
import { LoginBody, OkAnswer, PasswordBody, SessionAnswer, TotpConfirmBody, TotpSetupAnswer, type SessionAnswerBody } from '../schemas/auth.ts';
import { responses } from '../schemas/common.ts';

function sessionAnswer(user: UserRow, sessionId: string, totpVerified: boolean): SessionAnswerBody {
  return { user: userView(user), csrfToken: csrfTokenFor(sessionId), enrolmentRequired: totpRequired(user.role) && !totpVerified, totpVerified };
}

export function authRoutes(app: App, deps: RouteDeps): void {
  app.post('/api/auth/login', { schema: { body: LoginBody, response: responses(SessionAnswer, 429) } }, async (req, reply) => {
    const r = await deps.login.login(req.body, clientAddress(req));
    if (!r.ok && r.code === 'locked') {
      reply.header('retry-after', String(Math.max(1, Math.ceil((r.until - deps.now()) / 1000))));
      return reply.code(429).send({ error: 'locked', message: 'Zu viele Fehlversuche. Bitte später erneut versuchen.' });
    }
    if (!r.ok && r.code === 'totp-required')
      return reply.code(401).send({ error: 'totp-required', message: 'Bitte den Code aus der Authenticator-App eingeben' });
    if (!r.ok) return reply.code(401).send({ error: 'invalid-credentials', message: 'Benutzername, Passwort oder Code ist falsch' });
    setSessionCookie(reply, deps.auth, r.session.id);
    return sessionAnswer(r.user, r.session.id, !r.enrolmentRequired && Number(r.user.totp_enabled) === 1);
  });

  app.post('/api/auth/logout', { schema: { response: responses(OkAnswer) } }, async (req, reply) => {
    const a = authOf(req);
    await deleteSession(deps.db, a.session.idHash);
    await deps.audit.record(deps.db, a.actor, { action: 'auth.logout', outcome: 'ok' }, deps.now());
    clearSessionCookie(reply, deps.auth);
    return { ok: true as const };
  });

  app.get('/api/auth/me', { schema: { response: responses(SessionAnswer) } }, async (req) => {
    const a = authOf(req);
    return sessionAnswer(a.session.user, a.sessionId, a.session.totpVerified);
  });

  // Change one's own password (complete sessions only); other sessions of the user end.
  app.post('/api/auth/password', { schema: { body: PasswordBody, response: responses(OkAnswer, 429) } }, async (req, reply) => {
    const a = authOf(req);
    try {
      const r = await deps.login.changePassword(a.session.user.id, a.session.idHash, req.body.current, req.body.password);
      await deps.audit.record(
        deps.db,
        a.actor,
        { action: 'auth.password', outcome: r === 'ok' ? 'ok' : 'failed', target: a.session.user.id, ...(r === 'ok' ? {} : { detail: { reason: r } }) },
        deps.now(),
      );
      if (r === 'locked') return reply.code(429).send({ error: 'locked', message: 'Zu viele Fehlversuche. Bitte später erneut versuchen.' });
      if (r === 'wrong-password') return reply.code(403).send({ error: 'wrong-password', message: 'Das bisherige Passwort ist falsch' });
      return { ok: true as const };
    } catch (e) {
      if (!(e instanceof UserInputError)) throw e;
      return reply.code(400).send({ error: e.code, message: e.message });
    }
  });

  // Enrolment step 1: a fresh secret (not yet in force) and its otpauth:// URI for the app.
  app.post('/api/auth/totp/setup', { schema: { response: responses(TotpSetupAnswer, 409) } }, async (req, reply) => {
    const a = authOf(req);
    if (Number(a.session.user.totp_enabled) === 1) {
      return reply.code(409).send({ error: 'totp-already-enabled', message: 'Der zweite Faktor ist schon eingerichtet; ein Admin kann ihn zurücksetzen' });
    }
    const secret = newTotpSecret();
    await deps.db
      .updateTable('users')
      .set({ totp_secret: secret, updated_at: deps.now() })
      .where('id', '=', a.session.user.id)
      .where('totp_enabled', '=', 0)
      .execute();
    await deps.audit.record(deps.db, a.actor, { action: 'auth.totp.setup', outcome: 'ok', target: a.session.user.id }, deps.now());
    return { uri: totpUri(secret, a.session.user.username), secret };
  });

  // Enrolment step 2: the first code from the app puts the secret in force and completes this session.
  app.post('/api/auth/totp/confirm', { schema: { body: TotpConfirmBody, response: responses(SessionAnswer, 409) } }, async (req, reply) => {
    const a = authOf(req);
    const user = await findUserById(deps.db, a.session.user.id);
    if (!user || Number(user.totp_enabled) === 1 || !user.totp_secret) {
      return reply.code(409).send({ error: 'no-totp-setup', message: 'Es wartet keine TOTP-Einrichtung auf Bestätigung' });
    }
    const step = checkTotp(user.totp_secret, user.username, req.body.code, deps.now(), Number(user.totp_last_step));
    if (step === null) {
      await deps.audit.record(deps.db, a.actor, { action: 'auth.totp.confirm', outcome: 'failed', target: user.id }, deps.now());
      return reply.code(400).send({ error: 'invalid-code', message: 'Der Code stimmt nicht; bitte den aktuellen Code eingeben' });
    }
    await deps.db.updateTable('users').set({ totp_enabled: 1, totp_last_step: step, updated_at: deps.now() }).where('id', '=', user.id).execute();
    await markSessionTotpVerified(deps.db, a.session.idHash);
    await deps.audit.record(deps.db, a.actor, { action: 'auth.totp.confirm', outcome: 'ok', target: user.id }, deps.now());
    const updated = { ...user, totp_enabled: 1, totp_last_step: step };
    return sessionAnswer(updated, a.sessionId, true);
  });
}

function clientAddress(req: FastifyRequest): string | null {
  return req.ip ?? anonymousActor(req).clientAddress;
}
