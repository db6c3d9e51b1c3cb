import type { FastifyPluginAsync } from 'fastify';
import type { Clock, TimerHandle } from '../../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../../firmware-bridge/platform/logger.ts';
import { LIVE_PATH } from '../../contract/kiosk/routes.ts';
import type { LiveMessage } from '../../contract/kiosk/live.ts';
import type { PointApi } from '../pointApi.ts';

/** At most one live message per client per this many ms. */
export const LIVE_COALESCE_MS = 50;

/**
 * Live state over WebSocket: the full snapshot on connect, then again on every change,
 * coalesced on the injected clock to at most one message per 50 ms per client so a bouncing
 * contact cannot flood a slow kiosk. Messages are the contract's LiveMessage (controller/contract/kiosk/live.ts).
 */
export const liveRoutes: FastifyPluginAsync<{ point: PointApi; logger: Logger; clock: Clock }> = async (app, { point, logger, clock }) => {
  app.get(LIVE_PATH, { websocket: true }, (socket) => {
    let pending: TimerHandle | undefined;
    const send = (): void => {
      pending = undefined;
      if (socket.readyState !== socket.OPEN) return;
      const message: LiveMessage = { type: 'state', state: point.snapshot() };
      socket.send(JSON.stringify(message));
    };
    const unsubscribe = point.onChange(() => {
      pending ??= clock.setTimeout(send, LIVE_COALESCE_MS);
    });
    const unsubscribeScans = point.onScan?.((code) => {
      if (socket.readyState !== socket.OPEN) return;
      const message: LiveMessage = { type: 'scan', code };
      socket.send(JSON.stringify(message));
    });
    socket.on('message', () => {
      /* the live channel is read-only; commands go through the HTTP routes */
    });
    socket.on('error', (err) => logger.warn({ err }, 'live socket error'));
    socket.on('close', () => {
      unsubscribe();
      unsubscribeScans?.();
      if (pending !== undefined) clock.clearTimeout(pending);
      pending = undefined;
    });
    send();
  });
};
