import type { FastifyPluginAsync } from 'fastify';
import type { Clock, TimerHandle } from '../../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../../firmware-bridge/platform/logger.ts';
import type { PointApi } from '../pointApi.ts';

/** At most one live message per client per this many ms. */
export const LIVE_COALESCE_MS = 50;

/**
 * Live state over WebSocket: the full snapshot on connect, then again on every change,
 * coalesced on the injected clock to at most one message per 50 ms per client so a bouncing
 * contact cannot flood a slow kiosk.
 */
export const liveRoutes: FastifyPluginAsync<{ point: PointApi; logger: Logger; clock: Clock }> = async (app, { point, logger, clock }) => {
  app.get('/api/live', { websocket: true }, (socket) => {
    let pending: TimerHandle | undefined;
    const send = (): void => {
      pending = undefined;
      if (socket.readyState !== socket.OPEN) return;
      socket.send(JSON.stringify({ type: 'state', state: point.snapshot() }));
    };
    const unsubscribe = point.onChange(() => {
      pending ??= clock.setTimeout(send, LIVE_COALESCE_MS);
    });
    socket.on('message', () => {
      /* the live channel is read-only; commands go through the HTTP routes */
    });
    socket.on('error', (err) => logger.warn({ err }, 'live socket error'));
    socket.on('close', () => {
      unsubscribe();
      if (pending !== undefined) clock.clearTimeout(pending);
      pending = undefined;
    });
    send();
  });
};
