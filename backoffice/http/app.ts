/**
 * The backoffice HTTP app, in fastify/demo's order: plugins (cookie + access hook), then routes.
 * Every route has TypeBox schemas for its input and responses (schemas/), every error is
 * `{error, message}`, and every route is listed in permissions.ts and declares a 200 response
 * schema (both checked when the app gets ready, which fails otherwise). Ajv neither coerces nor strips; 5xx details stay in the log.
 */
import type { LoginStats } from '../broker/loginLimiter.ts';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App, CommandSender, RouteDeps, SiteDownlink } from './types.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { IngestStats } from '../ingest/syncRouter.ts';
import type { Clock, Logger } from '../platform.ts';
import { AuditLog } from '../accounts/audit.ts';
import { DEFAULT_AUTH, LoginService, type AuthConfig } from '../accounts/login.ts';
import { assertEveryRouteListed, STATIC_ROUTES } from './permissions.ts';
import { registerAuth } from './plugins/auth.ts';
import { authRoutes } from './routes/auth.ts';
import { siteRoutes } from './routes/sites.ts';
import { fleetRoutes } from './routes/fleet.ts';
import { userRoutes } from './routes/users.ts';
import { paymentRoutes, type PaymentsApi } from './routes/payments.ts';
import { memberRoutes } from './routes/members.ts';
import { openingRulesRoutes } from './routes/openingRules.ts';
import { parcelRoutes } from './routes/parcels.ts';
import { webRoutes } from './routes/web.ts';
import { requestRoutes } from './routes/requests.ts';
import { alarmRoutes } from './routes/alarms.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { receiptRoutes } from './routes/receipts.ts';
import { MemberService, type ChangePublisher } from '../members/memberService.ts';
import { MemberAccounts } from '../members/memberAccounts.ts';
import type { MemberSigningKey } from '../credentials/signingKey.ts';
import type { PinCost } from '../credentials/pinHash.ts';

export type { App, RouteDeps, PaymentsApi };

export interface ApiDeps {
  db: Kysely<DB>;
  stats: () => IngestStats;
  mqttConnected: () => boolean;
  /** Embedded broker only: failed logins, lockouts, locked usernames/addresses (in /api/health). */
  loginStats?: () => LoginStats;
  clock: Clock;
  logger: Logger;
  /** Sign-in settings; defaults: Secure cookie, 30 min idle / 12 h sessions, 5 failures → 60 s lock doubling to 15 min. */
  auth?: Partial<AuthConfig>;
  /** Fastify `trustProxy` (e.g. the reverse proxy's address) so the audit log records the client, not the proxy. */
  trustProxy?: boolean | string | string[];
  /** Stripe webhook receiver and pay by phone (backoffice/payments/); without it those routes answer 503. */
  payments?: PaymentsApi;
  /**
   * Member management (routes/members.ts): where changes go (the downlink), the token signing key
   * (loaded or created on first use) and the PIN scrypt cost. Absent: the member routes answer 503.
   */
  members?: { changes: ChangePublisher; signingKey?: () => MemberSigningKey; pinCost?: PinCost };
  /** Remote commands to the points (door release, age-check decisions): the downlink; absent: those routes answer 503. */
  commands?: CommandSender;
  /** Opening rules changes and remote compartment openings go here (the backoffice's Downlink); absent: those routes answer 503. */
  downlink?: SiteDownlink;
  /** The built operators' web app (backoffice/web/dist): served at `/` and `/assets/*`; absent: not served. */
  webRoot?: string;
}

export function buildApi(deps: ApiDeps): App {
  const app: App = Fastify({
    logger: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    ...(deps.trustProxy !== undefined ? { trustProxy: deps.trustProxy } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();
  const auth: AuthConfig = { ...DEFAULT_AUTH, ...deps.auth };
  const now = (): number => Math.floor(deps.clock.now());

  // JSON only: a cross-site form can send text/plain without a CORS preflight.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((err: { statusCode?: number; message: string; validation?: unknown }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      deps.logger.error({ err: err.message }, 'backoffice API error');
      return reply.code(500).send({ error: 'internal', message: 'Interner Fehler' });
    }
    return reply.code(status).send({ error: err.validation ? 'bad-request' : 'error', message: err.message });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not-found', message: 'Unbekannte Adresse' }));
  app.addHook('onSend', async (req, reply) => {
    // The web app's hashed assets may be cached (routes/web.ts); everything else never.
    if (req.routeOptions.url !== '/assets/*') reply.header('cache-control', 'no-store');
  });

  const routes: { method: string; url: string }[] = [];
  const withoutResponses: string[] = [];
  app.addHook('onRoute', (r) => {
    const response = (r.schema as { response?: Record<string, unknown> } | undefined)?.response;
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) {
      routes.push({ method: m, url: r.url });
      if (m !== 'HEAD' && !response?.['200'] && !STATIC_ROUTES.has(`${m} ${r.url}`)) withoutResponses.push(`${m} ${r.url}`);
    }
  });
  app.addHook('onReady', async () => {
    if (withoutResponses.length > 0) throw new Error(`routes without a 200 response schema: ${withoutResponses.join(', ')}`);
    assertEveryRouteListed(routes);
  });

  const audit = new AuditLog();
  registerAuth(app, { db: deps.db, audit, auth, now });
  const rd: RouteDeps = {
    db: deps.db,
    stats: deps.stats,
    mqttConnected: deps.mqttConnected,
    loginStats: deps.loginStats,
    now,
    logger: deps.logger,
    auth,
    audit,
    login: new LoginService(deps.db, auth, audit, now),
    members: deps.members ? new MemberService({ db: deps.db, now, ...deps.members }) : null,
    commands: deps.commands ?? null,
    downlink: deps.downlink ?? null,
    accounts: deps.members ? new MemberAccounts({ db: deps.db, now, changes: deps.members.changes }) : null,
  };
  authRoutes(app, rd);
  userRoutes(app, rd);
  siteRoutes(app, rd);
  fleetRoutes(app, rd);
  paymentRoutes(app, rd, deps.payments ?? null);
  memberRoutes(app, rd);
  requestRoutes(app, rd);
  openingRulesRoutes(app, rd);
  parcelRoutes(app, rd);
  alarmRoutes(app, rd);
  notificationRoutes(app, rd);
  receiptRoutes(app, rd);
  if (deps.webRoot !== undefined) webRoutes(app, deps.webRoot);
  return app;
}
