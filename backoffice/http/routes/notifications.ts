/** The signed-in user's own alarm e-mail settings (backoffice/alarms/notificationSettings.ts); a change is audited. */
import type { App, RouteDeps } from '../types.ts';
import { authOf } from '../plugins/auth.ts';
import { responses } from '../schemas/common.ts';
import { NotificationSettings } from '../schemas/alarms.ts';
import { getSettings, putSettings, SettingsInputError } from '../../alarms/notificationSettings.ts';

export function notificationRoutes(app: App, deps: RouteDeps): void {
  app.get('/api/me/notifications', { schema: { response: responses(NotificationSettings) } }, async (req) => getSettings(deps.db, authOf(req).session.user.id));

  app.put('/api/me/notifications', { schema: { body: NotificationSettings, response: responses(NotificationSettings) } }, async (req, reply) => {
    const { actor, session } = authOf(req);
    const base = { action: 'notifications.update', target: session.user.id, detail: { ...req.body } };
    try {
      const saved = await putSettings(deps.db, session.user.id, req.body, deps.now());
      await deps.audit.record(deps.db, actor, { ...base, outcome: 'ok' }, deps.now());
      return saved;
    } catch (e) {
      if (!(e instanceof SettingsInputError)) throw e;
      await deps.audit.record(deps.db, actor, { ...base, outcome: 'failed', detail: { ...base.detail, reason: e.code } }, deps.now());
      return reply.code(400).send({ error: e.code, message: e.message });
    }
  });
}
