/** Sites, rejected messages, health and divergence resolution: thin handlers over the DB. */
import type { DB } from '../../db/schema.ts';
import { resolveDivergence } from '../../ingest/divergence.ts';
import type { App, RouteDeps } from '../types.ts';
import { authOf } from '../plugins/auth.ts';
import { responses } from '../schemas/common.ts';
import {
  DetailedHealth,
  PublicHealth,
  RejectedList,
  RejectedQuery,
  ResolveAnswer,
  ResolveBody,
  SiteParams,
  SitesList,
  SiteView,
  type SiteViewBody,
} from '../schemas/sites.ts';

function siteView(r: DB['sites']): SiteViewBody {
  return {
    siteId: r.site_id,
    progress: { upTo: Number(r.up_to), eventsStored: Number(r.events_stored), lastBatchAt: r.last_batch_at === null ? null : Number(r.last_batch_at) },
    presence: {
      status: r.status,
      session: Number(r.session),
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
      statusAt: r.status_at === null ? null : Number(r.status_at),
    },
    backlog:
      r.backlog_pending === null
        ? null
        : {
            pending: Number(r.backlog_pending),
            lastSeq: r.backlog_last_seq === null ? null : Number(r.backlog_last_seq),
            missing: r.backlog_last_seq === null ? null : Math.max(0, Number(r.backlog_last_seq) - Number(r.up_to)),
          },
    downlink: { changeVersion: Number(r.change_version), appliedVersion: Number(r.applied_version) },
    software: r.software,
    divergence: r.diverged_at === null ? null : { since: Number(r.diverged_at), reason: r.diverged_reason },
    epoch: Number(r.epoch),
  };
}

export function siteRoutes(app: App, deps: RouteDeps): void {
  // Load-balancer probe, no session: only whether the database answers (503 when not).
  app.get('/health', { schema: { response: { 200: PublicHealth, 503: PublicHealth } } }, async (_req, reply) => {
    const ok = await deps.db
      .selectFrom('sites')
      .select('site_id')
      .limit(1)
      .execute()
      .then(
        () => true,
        () => false,
      );
    return reply.code(ok ? 200 : 503).send({ ok });
  });

  app.get('/api/health', { schema: { response: responses(DetailedHealth) } }, async () => ({
    ok: true,
    mqtt: deps.mqttConnected() ? ('connected' as const) : ('disconnected' as const),
    ingest: deps.stats(),
    flaggedTotal: Number(
      (
        await deps.db
          .selectFrom('flagged_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    ...(deps.loginStats ? { brokerLogins: deps.loginStats() } : {}),
  }));

  app.get('/api/sites', { schema: { response: responses(SitesList) } }, async () => {
    const rows = await deps.db.selectFrom('sites').selectAll().orderBy('site_id').execute();
    return { sites: rows.map(siteView) };
  });

  app.get('/api/sites/:id', { schema: { params: SiteParams, response: responses(SiteView, 404) } }, async (req, reply) => {
    const row = await deps.db.selectFrom('sites').selectAll().where('site_id', '=', req.params.id).executeTakeFirst();
    if (!row) return reply.code(404).send({ error: 'not-found', message: `Standort ${req.params.id} ist unbekannt` });
    return siteView(row);
  });

  // The point's ledger was replaced (see ingest/divergence.ts). `archive`: the site's stored events
  // move to archived_events under the current epoch and the new ledger's events are ingested from
  // seq 1; `dismiss`: a false alarm, only the flag is cleared. Audited in the same transaction.
  app.post(
    '/api/sites/:id/resolve-divergence',
    { schema: { params: SiteParams, body: ResolveBody, response: responses(ResolveAnswer, 404, 409) } },
    async (req, reply) => {
      const { actor } = authOf(req);
      const siteId = req.params.id;
      const r = await resolveDivergence(deps.db, siteId, req.body.action, deps.now(), (trx, done) =>
        deps.audit.record(
          trx,
          actor,
          { action: 'site.resolve-divergence', outcome: 'ok', siteId, detail: { action: done.action, archived: done.archived, epoch: done.epoch } },
          deps.now(),
        ),
      );
      if (!r.ok) {
        await deps.audit.record(
          deps.db,
          actor,
          { action: 'site.resolve-divergence', outcome: 'failed', siteId, detail: { action: req.body.action, reason: r.code } },
          deps.now(),
        );
        if (r.code === 'not-found') return reply.code(404).send({ error: 'not-found', message: `Standort ${siteId} ist unbekannt` });
        return reply.code(409).send({ error: 'not-diverged', message: `Standort ${siteId} ist nicht abgewichen` });
      }
      deps.logger.warn({ siteId, action: r.action, archived: r.archived, epoch: r.epoch, by: actor.username }, 'site divergence resolved');
      return { siteId, action: r.action, archived: r.archived, epoch: r.epoch };
    },
  );

  app.get('/api/rejected', { schema: { querystring: RejectedQuery, response: responses(RejectedList) } }, async (req) => {
    const limit = Math.min(500, Number(req.query.limit ?? 100));
    const rows = await deps.db.selectFrom('rejected_messages').selectAll().orderBy('received_at', 'desc').limit(limit).execute();
    const total = await deps.db
      .selectFrom('rejected_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return {
      total: Number(total.n),
      rejected: rows.map((r) => ({
        id: r.id,
        siteId: r.site_id,
        topic: r.topic,
        code: r.code,
        reason: r.reason,
        payloadBytes: Number(r.payload_bytes),
        receivedAt: Number(r.received_at),
      })),
    };
  });
}
