/**
 * The backoffice's JSON API (see app.ts): sign-in and users (routes/auth.ts, routes/users.ts),
 * sites, rejected messages, health and resolving a site's divergence (routes/sites.ts), the fleet
 * overview and a site's alarms from the read models (routes/fleet.ts). Every
 * route but `GET /health` and the login needs a session (permissions.ts).
 */
export { buildApi, type ApiDeps, type App, type PaymentsApi } from './app.ts';
