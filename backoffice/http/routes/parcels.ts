/**
 * Parcels lying in a point's compartments (projection p_lockers), and taking one back: a remote
 * `locker.open` command with `takeBack` and a short expiry, through performRemoteAction (role,
 * TOTP in this session, audited before and after) and the downlink (sent now or never).
 */
import { CommandRefusedError } from '../../downlink/downlink.ts';
import { performRemoteAction, RemoteActionRefused } from '../../accounts/audit.ts';
import type { App, RouteDeps } from '../types.ts';
import { authOf } from '../plugins/auth.ts';
import { responses } from '../schemas/common.ts';
import { SiteParams } from '../schemas/sites.ts';
import { LockerParams, OpenCompartmentAnswer, OpenCompartmentBody, ParcelsList } from '../schemas/parcels.ts';

/** How long the point may still act on the command; a later copy is refused there. */
export const LOCKER_OPEN_TTL_MS = 60_000;

export function parcelRoutes(app: App, deps: RouteDeps): void {
  app.get('/api/sites/:id/parcels', { schema: { params: SiteParams, response: responses(ParcelsList) } }, async (req) => {
    const rows = await deps.db
      .selectFrom('p_lockers')
      .selectAll()
      .where('site_id', '=', req.params.id)
      .where('occupancy', '=', 'occupied')
      .orderBy('compartment')
      .execute();
    return {
      siteId: req.params.id,
      parcels: rows.map((r) => ({
        compartment: r.compartment,
        parcelId: r.parcel_id,
        size: r.size,
        since: Number(r.since),
        uncollected: Number(r.uncollected) === 1,
        inService: Number(r.in_service) === 1,
        door: r.door,
      })),
    };
  });

  app.post(
    '/api/sites/:id/lockers/:compartment/open',
    { schema: { params: LockerParams, body: OpenCompartmentBody, response: responses(OpenCompartmentAnswer, 404, 409, 503) } },
    async (req, reply) => {
      const { actor, session } = authOf(req);
      const { id: siteId, compartment } = req.params;
      const downlink = deps.downlink;
      if (!downlink) return reply.code(503).send({ error: 'downlink-unavailable', message: 'Dieses Backoffice kann keine Befehle an Dorfpunkte senden' });
      const row = await deps.db
        .selectFrom('p_lockers')
        .select(['parcel_id', 'occupancy'])
        .where('site_id', '=', siteId)
        .where('compartment', '=', compartment)
        .executeTakeFirst();
      if (!row || row.occupancy !== 'occupied') {
        return reply.code(404).send({ error: 'no-parcel', message: `Im Fach ${compartment} von ${siteId} liegt laut den Meldungen kein Paket` });
      }
      const reason = req.body.reason.trim();
      try {
        const sent = await performRemoteAction(
          deps.db,
          deps.audit,
          { ...actor, totpVerified: session.totpVerified },
          'locker.open',
          { siteId, target: compartment, detail: { parcelId: row.parcel_id, reason, takeBack: true } },
          deps.now,
          () =>
            downlink.sendCommand(siteId, 'locker.open', { compartment, operator: actor.username ?? 'backoffice', reason, takeBack: true }, LOCKER_OPEN_TTL_MS),
        );
        return { commandId: sent.id, expiresAt: sent.expiresAt };
      } catch (e) {
        if (e instanceof RemoteActionRefused) return reply.code(403).send({ error: e.code, message: e.message });
        if (e instanceof CommandRefusedError) return reply.code(409).send({ error: e.code, message: e.message });
        throw e;
      }
    },
  );
}
