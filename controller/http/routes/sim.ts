import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes as r, responses } from '../../contract/kiosk/routes.ts';
import { pickLang, t } from '../../i18n/i18n.ts';
import type { SimControls } from '../pointApi.ts';

/** Controls of the simulated point: what a person standing at the door would do. */
export const simRoutes: FastifyPluginAsyncTypebox<{ sim: SimControls }> = async (app, { sim }) => {
  app.post(r.simPush.path, { schema: { response: responses(r.simPush.response) } }, async (req) => {
    const opened = sim.push();
    return opened ? { opened } : { opened, message: t(pickLang(req.headers['accept-language']), 'sim.push.refused') };
  });
  app.post(r.simForce.path, { schema: { response: responses(r.simForce.response) } }, async () => {
    sim.force();
    return { ok: true as const };
  });
  app.post(r.simClose.path, { schema: { response: responses(r.simClose.response) } }, async () => {
    sim.close();
    return { ok: true as const };
  });
  app.post(r.simExit.path, { schema: { response: responses(r.simExit.response) } }, async () => {
    sim.pressExit();
    return { ok: true as const };
  });
  app.post(r.simFire.path, { schema: { body: r.simFire.body, response: responses(r.simFire.response) } }, async (req) => {
    sim.setFireAlarm(req.body.active);
    return { ok: true as const };
  });
  app.get(r.simCredentials.path, { schema: { response: responses(r.simCredentials.response) } }, async () => sim.demoCredentials());
  /** Pull or replug the cable of a simulated serial board (the whole link it hangs on). */
  app.post(r.simCable.path, { schema: { body: r.simCable.body, response: responses(r.simCable.response) } }, async (req, reply) => {
    const found = (await sim.setCable?.(req.body.board, req.body.plugged)) ?? false;
    if (!found) return reply.status(404).send({ error: 'unknown-board', message: t(pickLang(req.headers['accept-language']), 'sim.cable.unknown') });
    return { ok: true as const, plugged: req.body.plugged };
  });
  app.get(r.simFridges.path, { schema: { response: responses(r.simFridges.response) } }, async () => sim.fridges?.() ?? []);
  /** Open or close a simulated fridge's door, cut or restore its power. */
  app.post(r.simFridge.path, { schema: { body: r.simFridge.body, response: responses(r.simFridge.response) } }, async (req, reply) => {
    const found = sim.fridge?.(req.body.fridge, req.body.action) ?? false;
    if (!found) return reply.status(404).send({ error: 'unknown-fridge', message: t(pickLang(req.headers['accept-language']), 'sim.fridge.unknown') });
    return { ok: true as const };
  });
};
