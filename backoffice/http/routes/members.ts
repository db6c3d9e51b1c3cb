/**
 * Members and their credentials (backoffice/members/). Every write is audited (never a PIN or a
 * token): `member.create`, `member.update`, `member.credential.issue`, `member.credential.revoke`;
 * printing cards too (`member.cards.print`: the sheet holds working credentials).
 */
import type { FastifyReply } from 'fastify';
import { MemberInputError } from '../../members/memberService.ts';
import { renderCardsPdf } from '../../members/cardsPdf.ts';
import type { App, RouteDeps } from '../types.ts';
import { authOf } from '../plugins/auth.ts';
import { responses } from '../schemas/common.ts';
import {
  CardsQuery,
  CreateMemberBody,
  CredentialParams,
  IssueCredentialBody,
  IssuedCredential,
  MemberParams,
  MembersList,
  MemberView,
  PatchMemberBody,
  RevokeBody,
  AccountBody,
  AccountView,
} from '../schemas/members.ts';
import { listMembers } from '../../members/memberStore.ts';
import type { Actor, AuditEntry } from '../../accounts/audit.ts';
import { Type } from 'typebox';

const UNAVAILABLE = { error: 'members-unavailable', message: 'Die Mitgliederverwaltung ist in diesem Backoffice nicht eingerichtet' };

export function memberRoutes(app: App, deps: RouteDeps): void {
  const audit = (actor: Actor, e: AuditEntry): Promise<void> => deps.audit.record(deps.db, actor, e, deps.now());

  /** Answers a MemberInputError as 4xx/503 with its code, audited as failed; rethrows anything else. */
  const refuse = async (reply: FastifyReply, actor: Actor, e: unknown, base: AuditEntry): Promise<FastifyReply> => {
    if (!(e instanceof MemberInputError)) throw e;
    await audit(actor, { ...base, outcome: 'failed', detail: { ...base.detail, reason: e.code } });
    return reply.code(e.status).send({ error: e.code, message: e.message });
  };

  app.get('/api/members', { schema: { response: responses(MembersList) } }, async () => ({ members: await listMembers(deps.db) }));

  app.post('/api/members', { schema: { body: CreateMemberBody, response: responses(MemberView, 404, 409, 503) } }, async (req, reply) => {
    const { actor } = authOf(req);
    if (!deps.members) return reply.code(503).send(UNAVAILABLE);
    const base: AuditEntry = { action: 'member.create', outcome: 'ok', detail: { ...req.body } };
    try {
      const { member, sites } = await deps.members.create(req.body);
      await audit(actor, { ...base, target: member.id, detail: { ...base.detail, publishedTo: sites } });
      return member;
    } catch (e) {
      return refuse(reply, actor, e, base);
    }
  });

  app.patch(
    '/api/members/:id',
    { schema: { params: MemberParams, body: PatchMemberBody, response: responses(MemberView, 404, 409, 503) } },
    async (req, reply) => {
      const { actor } = authOf(req);
      if (!deps.members) return reply.code(503).send(UNAVAILABLE);
      const base: AuditEntry = { action: 'member.update', outcome: 'ok', target: req.params.id, detail: { ...req.body } };
      try {
        const { member, sites, removedFrom } = await deps.members.update(req.params.id, req.body);
        await audit(actor, { ...base, detail: { ...base.detail, publishedTo: sites, cardsRevokedAt: removedFrom } });
        return member;
      } catch (e) {
        return refuse(reply, actor, e, base);
      }
    },
  );

  app.post(
    '/api/members/:id/credentials',
    { schema: { params: MemberParams, body: IssueCredentialBody, response: responses(IssuedCredential, 404, 409, 503) } },
    async (req, reply) => {
      const { actor } = authOf(req);
      if (!deps.members) return reply.code(503).send(UNAVAILABLE);
      const { pin: _pin, ...shown } = req.body;
      const base: AuditEntry = { action: 'member.credential.issue', outcome: 'ok', target: req.params.id, detail: { ...shown } };
      try {
        const issued = await deps.members.issue(req.params.id, req.body);
        await audit(actor, { ...base, detail: { ...base.detail, credentialId: issued.credential.id, publishedTo: issued.sites } });
        return {
          credential: issued.credential,
          ...(issued.token !== undefined ? { token: issued.token } : {}),
          ...(issued.pin !== undefined ? { pin: issued.pin } : {}),
        };
      } catch (e) {
        return refuse(reply, actor, e, base);
      }
    },
  );

  app.post(
    '/api/members/:id/credentials/:cid/revoke',
    {
      schema: {
        params: CredentialParams,
        body: RevokeBody,
        response: responses(Type.Object({ credential: IssuedCredential.properties.credential }, { additionalProperties: false }), 404, 409, 503),
      },
    },
    async (req, reply) => {
      const { actor } = authOf(req);
      if (!deps.members) return reply.code(503).send(UNAVAILABLE);
      const base: AuditEntry = {
        action: 'member.credential.revoke',
        outcome: 'ok',
        target: req.params.id,
        detail: { credentialId: req.params.cid, reason: req.body.reason },
      };
      try {
        const { credential, sites } = await deps.members.revoke(req.params.id, req.params.cid, req.body.reason);
        await audit(actor, { ...base, detail: { ...base.detail, publishedTo: sites } });
        return { credential };
      } catch (e) {
        return refuse(reply, actor, e, base);
      }
    },
  );

  app.put(
    '/api/members/:id/account',
    { schema: { params: MemberParams, body: AccountBody, response: responses(AccountView, 404, 503) } },
    async (req, reply) => {
      const { actor } = authOf(req);
      if (!deps.accounts) return reply.code(503).send(UNAVAILABLE);
      const base: AuditEntry = { action: 'member.account.set', outcome: 'ok', target: req.params.id, detail: { ...req.body } };
      try {
        const view = await deps.accounts.set(req.params.id, req.body);
        await audit(actor, { ...base, detail: { ...base.detail, publishedTo: view.sites } });
        return view;
      } catch (e) {
        return refuse(reply, actor, e, base);
      }
    },
  );

  // A PDF, not JSON: the 200 schema documents the binary body (fastify does not serialize buffers).
  app.get(
    '/api/members/cards.pdf',
    { schema: { querystring: CardsQuery, response: responses(Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), 404, 409, 503) } },
    async (req, reply) => {
      const { actor } = authOf(req);
      if (!deps.members) return reply.code(503).send(UNAVAILABLE);
      const ids = req.query.ids.split(',');
      const base: AuditEntry = { action: 'member.cards.print', outcome: 'ok', detail: { memberIds: ids } };
      try {
        const cards = await deps.members.cardsFor(ids);
        const pdf = await renderCardsPdf(
          cards.map((c) => ({ name: c.name, token: c.token, expiresAt: c.expiresAt })),
          { now: deps.now() },
        );
        await audit(actor, { ...base, detail: { ...base.detail, credentialIds: cards.map((c) => c.credentialId) } });
        return reply.type('application/pdf').header('content-disposition', 'attachment; filename="mitgliedskarten.pdf"').send(pdf);
      } catch (e) {
        return refuse(reply, actor, e, base);
      }
    },
  );
}
