/** Admin user management and the audit log view. Changes are audited (never the password). */
import { recentAudit } from '../../accounts/audit.ts';
import { createUser, listUsers, updateUser, UserInputError, userView } from '../../accounts/users.ts';
import type { App, RouteDeps } from '../types.ts';
import { authOf } from '../plugins/auth.ts';
import { AuditList, AuditQuery, CreateUserBody, PatchUserBody, UserParams, UserSchema, UsersList } from '../schemas/auth.ts';
import { responses } from '../schemas/common.ts';

export function userRoutes(app: App, deps: RouteDeps): void {
  app.get('/api/users', { schema: { response: responses(UsersList) } }, async () => ({ users: (await listUsers(deps.db)).map(userView) }));

  app.post('/api/users', { schema: { body: CreateUserBody, response: responses(UserSchema, 409) } }, async (req, reply) => {
    const { actor } = authOf(req);
    const { password: _p, ...shown } = req.body;
    try {
      const user = await createUser(deps.db, req.body, deps.now(), deps.auth.scryptCost);
      await deps.audit.record(deps.db, actor, { action: 'user.create', outcome: 'ok', target: user.id, detail: shown }, deps.now());
      return userView(user);
    } catch (e) {
      if (!(e instanceof UserInputError)) throw e;
      await deps.audit.record(deps.db, actor, { action: 'user.create', outcome: 'failed', detail: { ...shown, reason: e.code } }, deps.now());
      return reply.code(e.code === 'username-taken' ? 409 : 400).send({ error: e.code, message: e.message });
    }
  });

  app.patch('/api/users/:id', { schema: { params: UserParams, body: PatchUserBody, response: responses(UserSchema, 404, 409) } }, async (req, reply) => {
    const { actor } = authOf(req);
    const { password, ...rest } = req.body;
    const detail = { ...rest, ...(password !== undefined ? { passwordChanged: true } : {}) };
    if (req.params.id === actor.userId && (req.body.disabled === true || (req.body.role !== undefined && req.body.role !== 'admin'))) {
      await deps.audit.record(
        deps.db,
        actor,
        { action: 'user.update', outcome: 'failed', target: req.params.id, detail: { ...detail, reason: 'self-lockout' } },
        deps.now(),
      );
      return reply.code(409).send({ error: 'self-lockout', message: 'Das eigene Konto kann man nicht sperren oder herabstufen' });
    }
    try {
      const user = await updateUser(deps.db, req.params.id, req.body, deps.now(), deps.auth.scryptCost);
      if (!user) {
        await deps.audit.record(
          deps.db,
          actor,
          { action: 'user.update', outcome: 'failed', target: req.params.id, detail: { ...detail, reason: 'not-found' } },
          deps.now(),
        );
        return reply.code(404).send({ error: 'not-found', message: 'Unbekannter Benutzer' });
      }
      await deps.audit.record(deps.db, actor, { action: 'user.update', outcome: 'ok', target: user.id, detail }, deps.now());
      return userView(user);
    } catch (e) {
      if (!(e instanceof UserInputError)) throw e;
      await deps.audit.record(
        deps.db,
        actor,
        { action: 'user.update', outcome: 'failed', target: req.params.id, detail: { ...detail, reason: e.code } },
        deps.now(),
      );
      return reply.code(400).send({ error: e.code, message: e.message });
    }
  });

  app.get('/api/audit', { schema: { querystring: AuditQuery, response: responses(AuditList) } }, async (req) => ({
    entries: await recentAudit(deps.db, Math.min(1000, Number(req.query.limit ?? 200))),
  }));
}
