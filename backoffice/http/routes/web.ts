/**
 * The operators' web app (backoffice/web, built by Vite into `dist/`): `GET /` answers its
 * index.html, `GET /assets/*` its hashed scripts and styles. Both are public (permissions.ts): the
 * page holds no data, every API call it makes needs a session. Without a built app `GET /` answers
 * 503 `web-not-built` (run `npm start`, or `buildWebApp()` from backoffice/web/build.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { App } from '../types.ts';

/** Scripts and styles from this origin only; no inline script, no framing, no plugins. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export function webRoutes(app: App, root: string): void {
  void app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    wildcard: true,
    index: false,
    decorateReply: false,
    // File names carry a content hash (Vite): a changed file is a new name.
    immutable: true,
    maxAge: '365d',
  });
  app.get('/', async (_req, reply) => {
    let html: string;
    try {
      html = await readFile(join(root, 'index.html'), 'utf8');
    } catch {
      return reply.code(503).send({ error: 'web-not-built', message: 'Die Web-App ist nicht gebaut' });
    }
    return reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').type('text/html; charset=utf-8').send(html);
  });
}
