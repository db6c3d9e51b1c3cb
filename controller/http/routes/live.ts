import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../../../firmware-bridge/platform/logger.ts';
import type { PointApi } from '../pointApi.ts';

/**
 * Live state over WebSocket: the full snapshot on connect, then again on every change,
 * coalesced to at most one message per 50 ms per client so a bouncing contact cannot flood
 * a slow kiosk.
 */
export const liveRoutes: FastifyPluginAsync<{ point: PointApi; logger: Logger }> = async (app, { point, logger }) => {
  app.get('/api/live', { websocket: true }, (socket) => {
    let pending: NodeJS.Timeout | undefined;
    const send = (): void => {
      pending = undefined;
      if (socket.readyState !== socket.OPEN) return;
      socket.send(JSON.stringify({ type: 'state', state: point.snapshot() }));
    };
    const unsubscribe = point.onChange(() => {
      pending ??= setTimeout(send, 50);
    });
    socket.on('message', () => {
      /* the live channel is read-only; commands go through the HTTP routes */
    });
    socket.on('error', (err) => logger.warn({ err }, 'live socket error'));
    socket.on('close', () => {
      unsubscribe();
      if (pending) clearTimeout(pending);
    });
    send();
  });
};
