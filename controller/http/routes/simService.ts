import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes as r, responses } from '../../contract/kiosk/routes.ts';
import { pickLang, t } from '../../i18n/i18n.ts';
import type { SimControls } from '../pointApi.ts';

/**
 * The simulated point's card reader, scanner and receipt printer (the virtual point page's
 * panels): present a card / a declined card / walk away (the Stripe fake's Terminal test helpers),
 * scan a product through the simulated serial scanner (real bytes on the point's scanner link),
 * read the printer's paper (decoded from the ESC/POS bytes it received), load paper or let it run out.
 */
export const simServiceRoutes: FastifyPluginAsyncTypebox<{ sim: SimControls }> = async (app, { sim }) => {
  app.post(r.simReader.path, { schema: { body: r.simReader.body, response: responses(r.simReader.response) } }, async (req) => {
    const lang = pickLang(req.headers['accept-language']);
    const outcome = (await sim.reader?.(req.body.action)) ?? 'none';
    const key = outcome === 'done' ? 'sim.reader.done' : outcome === 'idle' ? 'sim.reader.idle' : 'sim.reader.none';
    return { ok: outcome === 'done', message: t(lang, key) };
  });
  app.post(r.simScan.path, { schema: { body: r.simScan.body, response: responses(r.simScan.response) } }, async (req, reply) => {
    if (!(await sim.scan?.(req.body.code)))
      return reply.status(404).send({ error: 'no-scanner', message: t(pickLang(req.headers['accept-language']), 'sim.scanner.none') });
    return { ok: true as const };
  });
  app.get(r.simProducts.path, { schema: { response: responses(r.simProducts.response) } }, async () => ({ products: sim.products?.() ?? [] }));
  app.get(
    r.simPrinter.path,
    { schema: { response: responses(r.simPrinter.response) } },
    async () => sim.printer?.() ?? { present: false, paper: 'ok' as const, receipts: [] },
  );
  app.post(r.simPaper.path, { schema: { body: r.simPaper.body, response: responses(r.simPaper.response) } }, async (req, reply) => {
    if (!sim.paper?.(req.body.paper))
      return reply.status(404).send({ error: 'no-printer', message: t(pickLang(req.headers['accept-language']), 'receipt.outcome.noPrinter') });
    return { ok: true as const };
  });
};
