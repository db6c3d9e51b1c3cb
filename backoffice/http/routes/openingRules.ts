/**
 * Opening rules per point: read the rules last sent (or the point's defaults), save new ones —
 * checked by the point's own validator, stored per site, sent as the typed `opening-rules`
 * downlink change and audited (`site.opening-rules.update`) — and preview the next days with the
 * point's own engine (controller/contract/openingRules/), so the preview is what the door will do.
 */
import type { FastifyReply } from 'fastify';
import { defaultRulesNiedersachsen } from '../../../controller/contract/openingRules/engine.ts';
import { OpeningRulesError, parseOpeningRules, type OpeningRulesDocument } from '../../../controller/contract/openingRules/validate.ts';
import { previewOpening } from '../../../controller/contract/openingRules/preview.ts';
import type { App, RouteDeps } from '../types.ts';
import { authOf } from '../plugins/auth.ts';
import { responses } from '../schemas/common.ts';
import { SiteParams } from '../schemas/sites.ts';
import { OpeningPreview, OpeningRulesSchema, PreviewQuery, SiteOpeningRules, type SiteOpeningRulesBody } from '../schemas/openingRules.ts';

const UNKNOWN_SITE = (siteId: string) => ({ error: 'unknown-site', message: `Den Dorfpunkt ${siteId} kennt das Backoffice nicht` });
const UNAVAILABLE = { error: 'downlink-unavailable', message: 'Dieses Backoffice kann keine Änderungen an Dorfpunkte senden' };

export function openingRulesRoutes(app: App, deps: RouteDeps): void {
  const siteExists = async (siteId: string): Promise<boolean> =>
    (await deps.db.selectFrom('sites').select('site_id').where('site_id', '=', siteId).executeTakeFirst()) !== undefined;

  /** The stored rules with who saved them and whether the point applied them, or the defaults. */
  const current = async (siteId: string): Promise<SiteOpeningRulesBody> => {
    const row = await deps.db.selectFrom('site_opening_rules').selectAll().where('site_id', '=', siteId).executeTakeFirst();
    if (!row) return { siteId, rules: defaultRulesNiedersachsen(), saved: null };
    const site = await deps.db.selectFrom('sites').select('applied_version').where('site_id', '=', siteId).executeTakeFirst();
    const version = Number(row.change_version);
    return {
      siteId,
      rules: JSON.parse(row.rules) as OpeningRulesDocument,
      saved: { at: Number(row.updated_at), by: row.updated_by, version, applied: site !== undefined && Number(site.applied_version) >= version },
    };
  };

  app.get('/api/sites/:id/opening-rules', { schema: { params: SiteParams, response: responses(SiteOpeningRules, 404) } }, async (req, reply) => {
    if (!(await siteExists(req.params.id))) return reply.code(404).send(UNKNOWN_SITE(req.params.id));
    return current(req.params.id);
  });

  app.put(
    '/api/sites/:id/opening-rules',
    { schema: { params: SiteParams, body: OpeningRulesSchema, response: responses(SiteOpeningRules, 404, 503) } },
    async (req, reply): Promise<FastifyReply | SiteOpeningRulesBody> => {
      const { actor } = authOf(req);
      const siteId = req.params.id;
      const base = { action: 'site.opening-rules.update', siteId, target: siteId };
      if (!deps.downlink) return reply.code(503).send(UNAVAILABLE);
      if (!(await siteExists(siteId))) return reply.code(404).send(UNKNOWN_SITE(siteId));
      let rules: OpeningRulesDocument;
      try {
        rules = parseOpeningRules(req.body);
      } catch (e) {
        if (!(e instanceof OpeningRulesError)) throw e;
        await deps.audit.record(deps.db, actor, { ...base, outcome: 'failed', detail: { reason: e.message } }, deps.now());
        return reply.code(400).send({ error: 'bad-opening-rules', message: e.message });
      }
      const { version } = await deps.downlink.publishChange(siteId, 'opening-rules', rules);
      const row = { rules: JSON.stringify(rules), updated_at: deps.now(), updated_by: actor.username, change_version: version };
      await deps.db
        .insertInto('site_opening_rules')
        .values({ site_id: siteId, ...row })
        .onConflict((oc) => oc.column('site_id').doUpdateSet(row))
        .execute();
      await deps.audit.record(deps.db, actor, { ...base, outcome: 'ok', detail: { version, rules } }, deps.now());
      return current(siteId);
    },
  );

  app.get(
    '/api/sites/:id/opening-rules/preview',
    { schema: { params: SiteParams, querystring: PreviewQuery, response: responses(OpeningPreview, 404) } },
    async (req, reply) => {
      if (!(await siteExists(req.params.id))) return reply.code(404).send(UNKNOWN_SITE(req.params.id));
      const { rules } = await current(req.params.id);
      const from = req.query.from !== undefined ? Number(req.query.from) : deps.now();
      const days = req.query.days !== undefined ? Number(req.query.days) : 14;
      return { siteId: req.params.id, timeZone: 'Europe/Berlin' as const, days: previewOpening(parseOpeningRules(rules), from, days) };
    },
  );
}
