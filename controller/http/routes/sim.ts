import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pickLang, t } from '../../i18n/i18n.ts';
import type { SimControls } from '../pointApi.ts';

const FireBody = Type.Object({ active: Type.Boolean() }, { additionalProperties: false });
const CableBody = Type.Object({ board: Type.String({ minLength: 1, maxLength: 40 }), plugged: Type.Boolean() }, { additionalProperties: false });

/** Controls of the simulated point: what a person standing at the door would do. */
export const simRoutes: FastifyPluginAsyncTypebox<{ sim: SimControls }> = async (app, { sim }) => {
  app.post('/api/sim/door/push', async (req) => {
    const opened = sim.push();
    return opened ? { opened } : { opened, message: t(pickLang(req.headers['accept-language']), 'sim.push.refused') };
  });
  app.post('/api/sim/door/force', async () => {
    sim.force();
    return { ok: true };
  });
  app.post('/api/sim/door/close', async () => {
    sim.close();
    return { ok: true };
  });
  app.post('/api/sim/exit', async () => {
    sim.pressExit();
    return { ok: true };
  });
  app.post('/api/sim/fire', { schema: { body: FireBody } }, async (req) => {
    sim.setFireAlarm(req.body.active);
    return { ok: true };
  });
  app.get('/api/sim/credentials', async () => sim.demoCredentials());
  /** Pull or replug the cable of a simulated serial board (the whole link it hangs on). */
  app.post('/api/sim/cable', { schema: { body: CableBody } }, async (req, reply) => {
    const found = (await sim.setCable?.(req.body.board, req.body.plugged)) ?? false;
    if (!found) return reply.status(404).send({ error: 'unknown-board', message: t(pickLang(req.headers['accept-language']), 'sim.cable.unknown') });
    return { ok: true, plugged: req.body.plugged };
  });
};
