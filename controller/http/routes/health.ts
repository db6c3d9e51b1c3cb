import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import type { PointApi } from '../pointApi.ts';

const { health, state } = kioskRoutes;

export const healthRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  app.get(health.path, { schema: { response: responses(health.response) } }, async () => {
    const s = point.snapshot();
    // Degraded hardware still works (a board answering slowly): only a lost link or board is "not ok".
    const ok = s.hardware.every((h) => h.status !== 'lost');
    const degraded = s.hardware.some((h) => h.status === 'degraded');
    return { ok, degraded, siteId: s.siteId, ledger: s.ledger, hardware: s.hardware, door: s.door };
  });
  app.get(state.path, { schema: { response: responses(state.response) } }, async () => point.snapshot());
};
