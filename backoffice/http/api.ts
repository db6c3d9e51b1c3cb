/**
 * The backoffice's small JSON API (read-only for now): sites, one site's progress/presence/backlog,
 * rejected messages, health. TypeBox schemas per route; Ajv neither coerces nor strips.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Kysely } from 'kysely';
import { SITE_ID_PATTERN } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import type { IngestStats } from '../ingest/syncRouter.ts';

export interface ApiDeps {
  db: Kysely<DB>;
  stats: () => IngestStats;
  mqttConnected: () => boolean;
}

const SiteParams = Type.Object({ id: Type.String({ pattern: SITE_ID_PATTERN }) }, { additionalProperties: false });
const RejectedQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) }, { additionalProperties: false });

function siteView(r: DB['sites']) {
  return {
    siteId: r.site_id,
    progress: { upTo: Number(r.up_to), eventsStored: Number(r.events_stored), lastBatchAt: r.last_batch_at === null ? null : Number(r.last_batch_at) },
    presence: { status: r.status, session: Number(r.session), lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at), statusAt: r.status_at === null ? null : Number(r.status_at) },
    backlog:
      r.backlog_pending === null
        ? null
        : { pending: Number(r.backlog_pending), lastSeq: r.backlog_last_seq === null ? null : Number(r.backlog_last_seq), missing: r.backlog_last_seq === null ? null : Math.max(0, Number(r.backlog_last_seq) - Number(r.up_to)) },
    downlink: { changeVersion: Number(r.change_version), appliedVersion: Number(r.applied_version) },
    software: r.software,
  };
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((err: { statusCode?: number; message: string; validation?: unknown }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) return reply.code(500).send({ error: 'internal', message: 'Interner Fehler' });
    return reply.code(status).send({ error: err.validation ? 'bad-request' : 'error', message: err.message });
  });

  app.get('/health', async () => ({ ok: true, mqtt: deps.mqttConnected() ? 'connected' : 'disconnected', ingest: deps.stats() }));

  app.get('/api/sites', async () => {
    const rows = await deps.db.selectFrom('sites').selectAll().orderBy('site_id').execute();
    return { sites: rows.map(siteView) };
  });

  app.get('/api/sites/:id', { schema: { params: SiteParams } }, async (req, reply) => {
    const row = await deps.db.selectFrom('sites').selectAll().where('site_id', '=', req.params.id).executeTakeFirst();
    if (!row) return reply.code(404).send({ error: 'not-found', message: `Standort ${req.params.id} ist unbekannt` });
    return siteView(row);
  });

  app.get('/api/rejected', { schema: { querystring: RejectedQuery } }, async (req) => {
    const limit = Math.min(500, Number(req.query.limit ?? 100));
    const rows = await deps.db.selectFrom('rejected_messages').selectAll().orderBy('received_at', 'desc').limit(limit).execute();
    const total = await deps.db.selectFrom('rejected_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return {
      total: Number(total.n),
      rejected: rows.map((r) => ({ id: r.id, siteId: r.site_id, topic: r.topic, code: r.code, reason: r.reason, payloadBytes: Number(r.payload_bytes), receivedAt: Number(r.received_at) })),
    };
  });

  return app;
}
