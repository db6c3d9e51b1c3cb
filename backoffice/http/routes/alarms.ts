/**
 * Operators' work on an alarm (backoffice/alarms/alarmActions.ts): acknowledge, comment, clear.
 * Every attempt is audited (`alarm.acknowledge`, `alarm.comment`, `alarm.clear`; refused ones with
 * outcome `failed` and the reason); the comment's text is in the audit detail, capped.
 */
import type { FastifyReply } from 'fastify';
import type { App, RouteDeps } from '../types.ts';
import { authOf } from '../plugins/auth.ts';
import { responses } from '../schemas/common.ts';
import { AlarmActionAnswer, AlarmParams, CommentAnswer, CommentBody } from '../schemas/alarms.ts';
import type { Actor, AuditEntry } from '../../accounts/audit.ts';
import { acknowledgeAlarm, AlarmActionError, clearAlarm, commentAlarm, type OperatorUser } from '../../alarms/alarmActions.ts';
import type { FastifyRequest } from 'fastify';

export function alarmRoutes(app: App, deps: RouteDeps): void {
  const audit = (actor: Actor, e: AuditEntry): Promise<void> => deps.audit.record(deps.db, actor, e, deps.now());
  const who = (req: FastifyRequest): OperatorUser => {
    const u = authOf(req).session.user;
    return { id: u.id, name: u.display_name || u.username };
  };
  const refuse = async (reply: FastifyReply, actor: Actor, e: unknown, base: AuditEntry): Promise<FastifyReply> => {
    if (!(e instanceof AlarmActionError)) throw e;
    await audit(actor, { ...base, outcome: 'failed', detail: { ...base.detail, reason: e.code } });
    return reply.code(e.status).send({ error: e.code, message: e.message });
  };

  for (const [path, action, run] of [
    ['acknowledge', 'alarm.acknowledge', acknowledgeAlarm],
    ['clear', 'alarm.clear', clearAlarm],
  ] as const) {
    app.post(
      `/api/sites/:id/alarms/:seq/${path}`,
      { schema: { params: AlarmParams, response: responses(AlarmActionAnswer, 404, 409) } },
      async (req, reply) => {
        const { actor } = authOf(req);
        const ref = { siteId: req.params.id, seq: Number(req.params.seq) };
        const base: AuditEntry = { action, outcome: 'ok', siteId: ref.siteId, target: String(ref.seq) };
        try {
          const operator = await run(deps.db, ref, who(req), deps.now());
          await audit(actor, base);
          return { siteId: ref.siteId, id: ref.seq, operator };
        } catch (e) {
          return refuse(reply, actor, e, base);
        }
      },
    );
  }

  app.post(
    '/api/sites/:id/alarms/:seq/comments',
    { schema: { params: AlarmParams, body: CommentBody, response: responses(CommentAnswer, 404) } },
    async (req, reply) => {
      const { actor } = authOf(req);
      const ref = { siteId: req.params.id, seq: Number(req.params.seq) };
      const base: AuditEntry = {
        action: 'alarm.comment',
        outcome: 'ok',
        siteId: ref.siteId,
        target: String(ref.seq),
        detail: { text: req.body.text.slice(0, 1000) },
      };
      try {
        const comment = await commentAlarm(deps.db, ref, who(req), req.body.text, deps.now());
        await audit(actor, { ...base, detail: { ...base.detail, commentId: comment.id } });
        return { siteId: ref.siteId, id: ref.seq, comment };
      } catch (e) {
        return refuse(reply, actor, e, base);
      }
    },
  );
}
