import type { FastifyPluginAsync } from 'fastify';
import type { PointApi } from '../pointApi.ts';

export const healthRoutes: FastifyPluginAsync<{ point: PointApi }> = async (app, { point }) => {
  app.get('/health', async () => {
    const s = point.snapshot();
    // Degraded hardware still works (a board answering slowly): only a lost link or board is "not ok".
    const ok = s.hardware.every((h) => h.status !== 'lost');
    const degraded = s.hardware.some((h) => h.status === 'degraded');
    return { ok, degraded, siteId: s.siteId, ledger: s.ledger, hardware: s.hardware, door: s.door };
  });
  app.get('/api/state', async () => point.snapshot());
};
