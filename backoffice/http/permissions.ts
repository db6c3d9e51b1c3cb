/**
 * Who may call which route: one table, read by the single access hook (plugins/auth.ts) and
 * iterated by the security test (test/backoffice/authMatrix.test.ts). A route missing here is
 * refused to everyone (the app refuses to start with one, see `assertEveryRouteListed`).
 *
 * - `public`: no session needed (the load-balancer probe and the login itself).
 * - `signed-in`: any valid session, also one still waiting for TOTP enrolment (me, logout,
 *   TOTP setup/confirm).
 * - a role list: a complete session of one of these roles; a role that needs TOTP (accounts/
 *   roles.ts) must have passed it in this session.
 */
import type { Role } from '../db/schema.ts';

export type Access = 'public' | 'signed-in' | readonly Role[];

const ALL: readonly Role[] = ['admin', 'operator', 'technician', 'accountant'];

export const ROUTE_ACCESS = {
  'GET /health': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'signed-in',
  'GET /api/auth/me': 'signed-in',
  'POST /api/auth/totp/setup': 'signed-in',
  'POST /api/auth/totp/confirm': 'signed-in',
  'POST /api/auth/password': ALL,
  'GET /api/health': ALL,
  'GET /api/sites': ALL,
  'GET /api/sites/:id': ALL,
  'GET /api/fleet': ALL,
  'GET /api/sites/:id/alarms': ALL,
  // Alarms: technicians acknowledge and comment (they fix the hardware behind most alarms and note
  // what they did); closing an alarm is the operators' decision: admin and operator. Accountants read.
  'POST /api/sites/:id/alarms/:seq/acknowledge': ['admin', 'operator', 'technician'],
  'POST /api/sites/:id/alarms/:seq/comments': ['admin', 'operator', 'technician'],
  'POST /api/sites/:id/alarms/:seq/clear': ['admin', 'operator'],
  // The signed-in user's own alarm e-mails: every role that gets them (accountants get none).
  'GET /api/me/notifications': ['admin', 'operator', 'technician'],
  'PUT /api/me/notifications': ['admin', 'operator', 'technician'],
  'GET /api/rejected': ['admin', 'operator', 'technician'],
  'POST /api/sites/:id/resolve-divergence': ['admin', 'operator'],
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'PATCH /api/users/:id': ['admin'],
  'GET /api/audit': ['admin'],
  // Public: Stripe has no session; the signature over the raw body is the authentication
  // (payments/webhooks.ts refuses forged, re-serialised and stale deliveries with 400).
  'POST /api/stripe/webhook': 'public',
  // Operators (points request theirs over MQTT: payments/phoneDispatcher.ts).
  'POST /api/pay-by-phone/sessions': ['admin', 'operator'],
  // Public: the customer's phone follows the QR code's short link to Stripe's page.
  'GET /p/:code': 'public',
  // the receipt behind the kiosk's QR code: public, unguessable by its token (routes/receipts.ts)
  'GET /r/:siteId/:saleId': 'public',
  // Members: admin and operator manage them; accountant and technician may only look. Printing
  // cards is a write in effect (the sheet holds working credentials): admin and operator only.
  'GET /api/members': ALL,
  'POST /api/members': ['admin', 'operator'],
  'PATCH /api/members/:id': ['admin', 'operator'],
  'POST /api/members/:id/credentials': ['admin', 'operator'],
  'POST /api/members/:id/credentials/:cid/revoke': ['admin', 'operator'],
  // Account terms are money a point may lend offline: admin and operator.
  'PUT /api/members/:id/account': ['admin', 'operator'],
  'GET /api/members/cards.pdf': ['admin', 'operator'],
  // Answering the customer at the kiosk (routes/requests.ts): help and age-check requests across the
  // fleet; the answers are remote actions (TOTP, audited) for admin and operator only.
  'GET /api/requests': ['admin', 'operator', 'technician'],
  'POST /api/sites/:id/age-checks/:checkId/decision': ['admin', 'operator'],
  'POST /api/sites/:id/door/release': ['admin', 'operator'],
  'POST /api/sites/:id/help/:seq/answered': ['admin', 'operator'],
  // Opening rules: everyone may read them and their preview; admin and operator change them.
  'GET /api/sites/:id/opening-rules': ALL,
  'PUT /api/sites/:id/opening-rules': ['admin', 'operator'],
  'GET /api/sites/:id/opening-rules/preview': ALL,
  // Parcels in a point's compartments; opening one remotely is a remote action (accounts/roles.ts
  // REMOTE_ACTIONS 'locker.open', TOTP required), checked again by performRemoteAction.
  'GET /api/sites/:id/parcels': ALL,
  'POST /api/sites/:id/lockers/:compartment/open': ['admin', 'operator', 'technician'],
  // Public: the operators' web app (routes/web.ts) holds no data; every API call it makes needs a session.
  'GET /': 'public',
  'GET /assets/*': 'public',
} as const satisfies Record<string, Access>;

/**
 * Routes that answer files, not JSON, and so have no 200 response schema (the app otherwise refuses
 * to start with such a route): the web app's page and its assets (routes/web.ts).
 */
export const STATIC_ROUTES: ReadonlySet<string> = new Set(['GET /', 'GET /assets/*']);

export type RouteKey = keyof typeof ROUTE_ACCESS;

export function accessFor(method: string, url: string | undefined): Access | undefined {
  if (url === undefined) return undefined;
  return (ROUTE_ACCESS as Record<string, Access>)[`${method} ${url}`];
}

export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Throws naming every registered route (HEAD aside) that has no entry in ROUTE_ACCESS. */
export function assertEveryRouteListed(routes: { method: string; url: string }[]): void {
  const missing = routes.filter((r) => r.method !== 'HEAD' && accessFor(r.method, r.url) === undefined).map((r) => `${r.method} ${r.url}`);
  if (missing.length > 0) throw new Error(`routes without an entry in http/permissions.ts: ${missing.join(', ')}`);
}
