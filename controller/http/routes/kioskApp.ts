import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * The kiosk app (kiosk-ui, built by `kiosk-ui/build.ts` into kiosk-ui/dist) at `/kiosk/`. A
 * missing build is said plainly there (503 with the command that builds it), never a bare 404.
 * Whether the build exists is decided when the server starts (a later build needs a restart).
 */
export const kioskAppRoutes: FastifyPluginAsync<{ dir: string }> = async (app, { dir }) => {
  if (existsSync(join(dir, 'index.html'))) {
    await app.register(fastifyStatic, { root: dir, prefix: '/kiosk/', decorateReply: false, index: ['index.html'] });
    app.get('/kiosk', (_req, reply) => reply.redirect('/kiosk/', 301));
    return;
  }
  const missing = async (_req: unknown, reply: import('fastify').FastifyReply): Promise<string> => {
    reply.status(503).type('text/html; charset=utf-8');
    return (
      '<!doctype html><html lang="en"><meta charset="utf-8"><title>Kiosk app not built</title>' +
      `<h1>The kiosk app is not built</h1><p>No <code>index.html</code> in <code>${escapeHtml(dir)}</code>. ` +
      'Build it with <code>npx tsx kiosk-ui/build.ts</code> (<code>npm start</code> builds it before starting the point), then restart the point.</p></html>'
    );
  };
  app.get('/kiosk', missing);
  app.get('/kiosk/', missing);
  app.get('/kiosk/*', missing);
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
