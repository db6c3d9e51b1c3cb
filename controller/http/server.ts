import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { PointApi, SimControls } from './pointApi.ts';
import { healthRoutes } from './routes/health.ts';
import { liveRoutes } from './routes/live.ts';
import { entryRoutes } from './routes/entry.ts';
import { simRoutes } from './routes/sim.ts';
import { i18nRoutes } from './routes/i18n.ts';
import { hardwareRoutes } from './routes/hardware.ts';
import { lockerRoutes } from './routes/lockers.ts';
import { fridgeAlarmRoutes } from './routes/fridgesAlarms.ts';
import { checkoutRoutes } from './routes/checkout.ts';
import { errorHandler } from './errors.ts';
import { helpRoutes } from './routes/help.ts';
import { kioskAppRoutes } from './routes/kioskApp.ts';
import { serviceRoutes } from './routes/service.ts';
import { simServiceRoutes } from './routes/simService.ts';

export interface HttpServerOptions {
  point: PointApi;
  sim?: SimControls | undefined;
  logger: Logger;
  /** Times the live channel's coalescing (the composition root passes its clock). */
  clock: Clock;
  /** Serve the virtual point page (simulation mode). */
  servePages: boolean;
  /** Serve the built kiosk app (kiosk-ui/dist) from this folder at `/kiosk/`; a missing build is said plainly there. */
  kioskDir?: string | undefined;
}

export type App = FastifyInstance;

/**
 * The controller's local HTTP/WebSocket API: health, live state, credential presentation and,
 * in simulation mode, the controls and page of the simulated point. Bound to localhost by the
 * composition root; no helmet (plain-HTTP kiosk on the same machine).
 */
export async function buildHttpServer(opts: HttpServerOptions): Promise<App> {
  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.setErrorHandler(errorHandler(opts.logger));

  await app.register(fastifyWebsocket, { options: { maxPayload: 16 * 1024 } });
  await app.register(healthRoutes, { point: opts.point });
  await app.register(liveRoutes, { point: opts.point, logger: opts.logger, clock: opts.clock });
  await app.register(entryRoutes, { point: opts.point });
  await app.register(i18nRoutes);
  await app.register(hardwareRoutes, { point: opts.point });
  await app.register(lockerRoutes, { point: opts.point });
  await app.register(fridgeAlarmRoutes, { point: opts.point });
  await app.register(helpRoutes, { point: opts.point });
  await app.register(checkoutRoutes, { point: opts.point });
  await app.register(serviceRoutes, { point: opts.point });
  if (opts.sim) await app.register(simRoutes, { sim: opts.sim });
  if (opts.sim) await app.register(simServiceRoutes, { sim: opts.sim });
  if (opts.kioskDir !== undefined) await app.register(kioskAppRoutes, { dir: opts.kioskDir });
  if (opts.servePages) {
    await app.register(fastifyStatic, {
      root: fileURLToPath(new URL('./public/', import.meta.url)),
      index: ['virtual-point.html'],
    });
  }
  return app;
}
