import type { FastifyPluginAsync } from 'fastify';
import type { PointApi } from '../pointApi.ts';

export const healthRoutes: FastifyPluginAsync<{ point: PointApi }> = async (app, { point }) => {
  app.get('/health', async () => {
    const s = point.snapshot();
    const hardwareOk = s.hardware.every((h) => h.status === 'ok');
    return { ok: hardwareOk, siteId: s.siteId, ledger: s.ledger, hardware: s.hardware, door: s.door };
  });
  app.get('/api/state', async () => point.snapshot());
};
