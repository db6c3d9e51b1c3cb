import type { FastifyPluginAsync } from 'fastify';
import type { PointApi } from '../pointApi.ts';

/** Hardware status for technicians and the backoffice: every link and board, and the locker compartments. */
export const hardwareRoutes: FastifyPluginAsync<{ point: PointApi }> = async (app, { point }) => {
  app.get('/api/hardware', async () => {
    const entries = point.snapshot().hardware;
    return { ok: entries.every((h) => h.status !== 'lost'), entries, compartments: point.compartments?.() ?? [] };
  });
};
