/**
 * Answering the customer at the kiosk: the open help and remote age-check requests of the fleet,
 * an operator's decision on an age check (sent to the point as `age-check.decide`, refused after
 * the check's deadline), a remote door release (`door.release`), and marking a help request
 * answered. Remote actions go through `performRemoteAction` (role, TOTP, audit before and after);
 * commands carry an expiry and are sent now or never (downlink.ts).
 */
import { performRemoteAction, RemoteActionRefused } from '../../accounts/audit.ts';
import { CommandRefusedError } from '../../downlink/downlink.ts';
import { findAgeCheck, markHelpAnswered, openRequests } from '../../requests/requests.ts';
import type { App, RouteDeps } from '../types.ts';
import { authOf } from '../plugins/auth.ts';
import { responses } from '../schemas/common.ts';
import { SiteParams } from '../schemas/sites.ts';
import { AgeCheckParams, CommandSent, DecisionBody, DoorReleaseBody, HelpAnswered, HelpAnsweredBody, HelpParams, RequestsView } from '../schemas/requests.ts';

/** How long a door release command stays valid on its way to the point. */
export const DOOR_RELEASE_TTL_MS = 30_000;
/** An age decision is valid at most this long, and never past the check's deadline. */
export const AGE_DECISION_TTL_MS = 30_000;

/** A refusal inside a remote action: audited as failed by performRemoteAction, answered with `status`. */
class Refusal extends Error {
  constructor(
    readonly status: 404 | 409 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

export function requestRoutes(app: App, deps: RouteDeps): void {
  app.get('/api/requests', { schema: { response: responses(RequestsView) } }, async () => {
    const now = deps.now();
    return { now, ...(await openRequests(deps.db, now)) };
  });

  app.post(
    '/api/sites/:id/age-checks/:checkId/decision',
    { schema: { params: AgeCheckParams, body: DecisionBody, response: responses(CommandSent, 404, 409, 503) } },
    async (req, reply) => {
      const { actor, session } = authOf(req);
      const { id: siteId, checkId } = req.params;
      const approved = req.body.approved;
      try {
        return await performRemoteAction(
          deps.db,
          deps.audit,
          { ...actor, totpVerified: session.totpVerified },
          'age-check.decide',
          { siteId, target: checkId, detail: { approved } },
          deps.now,
          async () => {
            const commands = deps.commands;
            if (!commands) throw new Refusal(503, 'commands-unavailable', 'Dieses Backoffice kann keine Befehle an Dorfpunkte senden');
            const check = await findAgeCheck(deps.db, siteId, checkId);
            if (!check) throw new Refusal(404, 'not-found', `Keine Altersprüfung ${checkId} am Standort ${siteId}`);
            if (check.status !== 'open') throw new Refusal(409, 'not-open', `Diese Altersprüfung ist schon abgeschlossen (${check.status})`);
            const now = deps.now();
            const left = Number(check.deadline_at) - now;
            if (left <= 0) {
              throw new Refusal(
                409,
                'deadline-passed',
                `Die Frist für diese Altersprüfung ist um ${clock(Number(check.deadline_at))} UTC abgelaufen; die Kundin oder der Kunde muss neu fragen`,
              );
            }
            const sent = await commands.sendCommand(
              siteId,
              'age-check.decide',
              { saleId: check.sale_id, checkId, approved, operator: actor.username ?? 'operator' },
              Math.max(1, Math.min(AGE_DECISION_TTL_MS, left)),
            );
            return { commandId: sent.id, expiresAt: sent.expiresAt };
          },
        );
      } catch (e) {
        return refusalReply(reply, e);
      }
    },
  );

  app.post(
    '/api/sites/:id/door/release',
    { schema: { params: SiteParams, body: DoorReleaseBody, response: responses(CommandSent, 409, 503) } },
    async (req, reply) => {
      const { actor, session } = authOf(req);
      const siteId = req.params.id;
      const { durationMs, note } = req.body;
      try {
        return await performRemoteAction(
          deps.db,
          deps.audit,
          { ...actor, totpVerified: session.totpVerified },
          'door.release',
          { siteId, detail: { ...(durationMs !== undefined ? { durationMs } : {}), ...(note !== undefined ? { note } : {}) } },
          deps.now,
          async () => {
            const commands = deps.commands;
            if (!commands) throw new Refusal(503, 'commands-unavailable', 'Dieses Backoffice kann keine Befehle an Dorfpunkte senden');
            const body = {
              operator: actor.username ?? 'operator',
              ...(durationMs !== undefined ? { durationMs } : {}),
              ...(note !== undefined ? { note } : {}),
            };
            const sent = await commands.sendCommand(siteId, 'door.release', body, DOOR_RELEASE_TTL_MS);
            return { commandId: sent.id, expiresAt: sent.expiresAt };
          },
        );
      } catch (e) {
        return refusalReply(reply, e);
      }
    },
  );

  app.post(
    '/api/sites/:id/help/:seq/answered',
    { schema: { params: HelpParams, body: HelpAnsweredBody, response: responses(HelpAnswered, 404, 409) } },
    async (req, reply) => {
      const { actor } = authOf(req);
      const siteId = req.params.id;
      const seq = Number(req.params.seq);
      const now = deps.now();
      const note = req.body.note ?? null;
      const r = await markHelpAnswered(deps.db, { siteId, seq, by: actor.username ?? 'operator', note, now }, (trx) =>
        deps.audit.record(trx, actor, { action: 'help.answered', outcome: 'ok', siteId, target: String(seq), detail: note ? { note } : {} }, now),
      );
      if (!r.ok) {
        if (r.code === 'not-found') return reply.code(404).send({ error: 'not-found', message: `Keine Hilfe-Anfrage ${seq} am Standort ${siteId}` });
        return reply.code(409).send({ error: 'already-answered', message: 'Diese Hilfe-Anfrage ist schon beantwortet' });
      }
      return { siteId, seq, answeredAt: now };
    },
  );
}

function refusalReply(reply: { code(n: number): { send(b: unknown): unknown } }, e: unknown): unknown {
  if (e instanceof Refusal) return reply.code(e.status).send({ error: e.code, message: e.message });
  if (e instanceof RemoteActionRefused) return reply.code(403).send({ error: e.code, message: e.message });
  if (e instanceof CommandRefusedError) {
    const message =
      e.code === 'site-not-online'
        ? 'Der Dorfpunkt ist nicht online; der Befehl wurde nicht gesendet'
        : 'Keine Verbindung zum Broker; der Befehl wurde nicht gesendet';
    return reply.code(409).send({ error: e.code, message });
  }
  throw e;
}
