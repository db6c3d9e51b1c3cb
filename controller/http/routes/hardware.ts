import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import type { PointApi } from '../pointApi.ts';

const route = kioskRoutes.hardware;

/** Hardware status for technicians and the backoffice: every link and board, and the locker compartments. */
export const hardwareRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  app.get(route.path, { schema: { response: responses(route.response) } }, async () => {
    const entries = point.snapshot().hardware;
    return { ok: entries.every((h) => h.status !== 'lost'), entries, compartments: point.compartments?.() ?? [] };
  });
};
