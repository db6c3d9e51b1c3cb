/**
 * The backoffice's small JSON API: sites, one site's progress/presence/backlog/divergence,
 * rejected messages, health, and resolving a site's divergence. TypeBox schemas per route; Ajv
 * neither coerces nor strips.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Kysely } from 'kysely';
import { SITE_ID_PATTERN } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import type { LoginStats } from '../broker/loginLimiter.ts';
import type { IngestStats } from '../ingest/syncRouter.ts';
import { resolveDivergence } from '../ingest/divergence.ts';
import type { Clock, Logger } from '../platform.ts';

export interface ApiDeps {
  db: Kysely<DB>;
  stats: () => IngestStats;
  mqttConnected: () => boolean;
  /** Embedded broker only: failed logins, lockouts, locked usernames/addresses. */
  loginStats?: () => LoginStats;
  clock: Clock;
  logger: Logger;
}

const SiteParams = Type.Object({ id: Type.String({ pattern: SITE_ID_PATTERN }) }, { additionalProperties: false });
const ResolveBody = Type.Object({ action: Type.Union([Type.Literal('archive'), Type.Literal('dismiss')]) }, { additionalProperties: false });
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
    divergence: r.diverged_at === null ? null : { since: Number(r.diverged_at), reason: r.diverged_reason },
    epoch: Number(r.epoch),
  };
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((err: { statusCode?: number; message: string; validation?: unknown }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) return reply.code(500).send({ error: 'internal', message: 'Interner Fehler' });
    return reply.code(status).send({ error: err.validation ? 'bad-request' : 'error', message: err.message });
  });

  app.get('/health', async () => ({ ok: true, mqtt: deps.mqttConnected() ? 'connected' : 'disconnected', ingest: deps.stats(), ...(deps.loginStats ? { brokerLogins: deps.loginStats() } : {}) }));

  app.get('/api/sites', async () => {
    const rows = await deps.db.selectFrom('sites').selectAll().orderBy('site_id').execute();
    return { sites: rows.map(siteView) };
  });

  app.get('/api/sites/:id', { schema: { params: SiteParams } }, async (req, reply) => {
    const row = await deps.db.selectFrom('sites').selectAll().where('site_id', '=', req.params.id).executeTakeFirst();
    if (!row) return reply.code(404).send({ error: 'not-found', message: `Standort ${req.params.id} ist unbekannt` });
    return siteView(row);
  });

  // The point's ledger was replaced (see ingest/divergence.ts). `archive`: the site's stored events
  // move to archived_events under the current epoch and the new ledger's events are ingested from
  // seq 1; `dismiss`: a false alarm, only the flag is cleared.
  app.post('/api/sites/:id/resolve-divergence', { schema: { params: SiteParams, body: ResolveBody } }, async (req, reply) => {
    const r = await resolveDivergence(deps.db, req.params.id, req.body.action, deps.clock.now());
    if (!r.ok && r.code === 'not-found') return reply.code(404).send({ error: 'not-found', message: `Standort ${req.params.id} ist unbekannt` });
    if (!r.ok) return reply.code(409).send({ error: 'not-diverged', message: `Standort ${req.params.id} ist nicht abgewichen` });
    deps.logger.warn({ siteId: req.params.id, action: r.action, archived: r.archived, epoch: r.epoch }, 'site divergence resolved');
    return { siteId: req.params.id, action: r.action, archived: r.archived, epoch: r.epoch };
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
