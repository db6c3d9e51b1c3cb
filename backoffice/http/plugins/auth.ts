/**
 * The access hook: one `onRequest` hook on the root instance (before any body is parsed) that
 * decides every request from ROUTE_ACCESS (permissions.ts):
 *
 * 1. public routes pass;
 * 2. no valid session (cookie unknown, idle 30 min, 12 h old, user disabled) → 401 `unauthenticated`;
 * 3. POST/PUT/PATCH/DELETE without the session's CSRF token in `x-csrf-token` → 403 `csrf`;
 * 4. a session still waiting for TOTP enrolment on a role route → 403 `totp-enrolment-required`;
 * 5. a role not in the route's list → 403 `forbidden` (audited for writes).
 *
 * The session cookie is HttpOnly, SameSite=Strict, Path=/, and Secure (named `__Host-…`) unless
 * the backoffice runs on plain HTTP for development (`auth.secureCookie: false`).
 */
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor, AuditLog } from '../../accounts/audit.ts';
import type { AuthConfig } from '../../accounts/login.ts';
import { totpRequired } from '../../accounts/roles.ts';
import { csrfTokenMatches, lookupSession, type ActiveSession } from '../../accounts/sessions.ts';
import { accessFor, WRITE_METHODS } from '../permissions.ts';
import type { App } from '../types.ts';

export interface RequestAuth {
  session: ActiveSession;
  /** The clear session id from the cookie (for the CSRF token). */
  sessionId: string;
  actor: Actor;
  /** The role needs TOTP and this session has not passed it (enrolment pending). */
  enrolmentPending: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

export function cookieName(cfg: AuthConfig): string {
  return cfg.secureCookie ? '__Host-dorfpunkt_session' : 'dorfpunkt_session';
}

export function setSessionCookie(reply: FastifyReply, cfg: AuthConfig, id: string): void {
  reply.setCookie(cookieName(cfg), id, { httpOnly: true, sameSite: 'strict', secure: cfg.secureCookie, path: '/' });
}

export function clearSessionCookie(reply: FastifyReply, cfg: AuthConfig): void {
  reply.clearCookie(cookieName(cfg), { httpOnly: true, sameSite: 'strict', secure: cfg.secureCookie, path: '/' });
}

export function anonymousActor(req: FastifyRequest): Actor {
  return { userId: null, username: null, role: null, clientAddress: req.ip ?? null };
}

export interface AuthDeps {
  db: Kysely<DB>;
  audit: AuditLog;
  auth: AuthConfig;
  now: () => number;
}

export function registerAuth(app: App, deps: AuthDeps): void {
  void app.register(cookie);
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req, reply) => {
    const access = accessFor(req.method === 'HEAD' ? 'GET' : req.method, req.routeOptions.url);
    if (access === 'public') return;
    const sessionId = req.cookies[cookieName(deps.auth)];
    const session = await lookupSession(deps.db, sessionId, deps.now(), deps.auth.session);
    if (!session || sessionId === undefined) {
      return reply.code(401).send({ error: 'unauthenticated', message: 'Bitte anmelden' });
    }
    const actor: Actor = { userId: session.user.id, username: session.user.username, role: session.user.role, clientAddress: req.ip ?? null };
    const write = WRITE_METHODS.has(req.method);
    if (write && !csrfTokenMatches(sessionId, headerValue(req.headers['x-csrf-token']))) {
      await deps.audit.record(
        deps.db,
        actor,
        { action: 'access.denied', outcome: 'denied', detail: { route: `${req.method} ${req.routeOptions.url ?? req.url.slice(0, 200)}`, reason: 'csrf' } },
        deps.now(),
      );
      return reply.code(403).send({ error: 'csrf', message: 'Sicherheitstoken fehlt oder ist ungültig; bitte die Seite neu laden' });
    }
    const enrolmentPending = totpRequired(session.user.role) && !session.totpVerified;
    req.auth = { session, sessionId, actor, enrolmentPending };
    if (access === 'signed-in') return;
    if (access === undefined) {
      // Unknown route (404) or one missing from the table: never reachable.
      if (req.routeOptions.url === undefined) return;
      return reply.code(403).send({ error: 'forbidden', message: 'Keine Berechtigung' });
    }
    if (enrolmentPending) {
      return reply.code(403).send({ error: 'totp-enrolment-required', message: 'Bitte zuerst den zweiten Faktor (TOTP) einrichten' });
    }
    if (!access.includes(session.user.role)) {
      if (write)
        await deps.audit.record(
          deps.db,
          actor,
          { action: 'access.denied', outcome: 'denied', detail: { route: `${req.method} ${req.routeOptions.url}`, reason: 'role' } },
          deps.now(),
        );
      return reply.code(403).send({ error: 'forbidden', message: 'Keine Berechtigung' });
    }
  });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The signed-in request's auth (the hook guarantees it on every non-public route). */
export function authOf(req: FastifyRequest): RequestAuth {
  if (!req.auth) throw new Error('route reached without a session: check http/permissions.ts');
  return req.auth;
}
