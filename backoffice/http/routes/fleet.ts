/** Fleet overview and a site's alarms: read-only views of the read models (backoffice/projections). */
import { fleet, siteAlarms } from '../../projections/readModels.ts';
import type { App, RouteDeps } from '../types.ts';
import { responses } from '../schemas/common.ts';
import { FleetView, SiteAlarms } from '../schemas/fleet.ts';
import { SiteParams } from '../schemas/sites.ts';

export function fleetRoutes(app: App, deps: RouteDeps): void {
  app.get('/api/fleet', { schema: { response: responses(FleetView) } }, async () => ({ sites: await fleet(deps.db) }));

  app.get('/api/sites/:id/alarms', { schema: { params: SiteParams, response: responses(SiteAlarms, 404) } }, async (req, reply) => {
    const alarms = await siteAlarms(deps.db, req.params.id);
    if (alarms === null) return reply.code(404).send({ error: 'not-found', message: `Standort ${req.params.id} ist unbekannt` });
    return { siteId: req.params.id, alarms };
  });
}
