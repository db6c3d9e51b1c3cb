/**
 * The point's HTTP/WebSocket API as a feature: built and listening on `start()`, closed on
 * `stop()`. Started last (it serves what the features before it show), stopped first after the door.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { buildHttpServer, type App } from './server.ts';
import type { PointApi, SimControls } from './pointApi.ts';

export interface PointHttpDeps {
  listen: { host: string; port: number };
  point: PointApi;
  sim?: SimControls | undefined;
  /** Serve the virtual point page (simulation mode). */
  servePages: boolean;
  /** Serve the kiosk app's build from this folder at `/kiosk/`. */
  kioskDir?: string | undefined;
  clock: Clock;
  logger: Logger;
}

export interface PointHttp {
  /** The server, once started. */
  readonly app: App | undefined;
  /** Where it listens, once started. */
  readonly url: string | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createPointHttp(deps: PointHttpDeps): PointHttp {
  let app: App | undefined;
  let url: string | undefined;
  return {
    get app() {
      return app;
    },
    get url() {
      return url;
    },
    async start() {
      if (app) return;
      app = await buildHttpServer({
        point: deps.point,
        sim: deps.sim,
        logger: deps.logger,
        clock: deps.clock,
        servePages: deps.servePages,
        kioskDir: deps.kioskDir,
      });
      url = await app.listen({ host: deps.listen.host, port: deps.listen.port });
    },
    async stop() {
      await app?.close();
    },
  };
}
