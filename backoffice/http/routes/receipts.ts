import { Type } from 'typebox';
import { RECEIPT_PAGE_ROUTE, RECEIPT_TOKEN_PATTERN_SOURCE } from '../../../controller/contract/receiptLink.ts';
import { findReceipt, notYetPage, pickPageLang, receiptPage } from '../../receipts/receiptPage.ts';
import type { App, RouteDeps } from '../types.ts';
import { ErrorSchema } from '../schemas/common.ts';

const Params = Type.Object({ siteId: Type.String({ minLength: 1, maxLength: 64 }), saleId: Type.String({ minLength: 1, maxLength: 200 }) });
const Query = Type.Object({ t: Type.String({ pattern: RECEIPT_TOKEN_PATTERN_SOURCE }) }, { additionalProperties: false });
const Html = Type.String();

/**
 * `GET /r/:siteId/:saleId?t=<token>` — public (the phone that scanned the kiosk's QR code has no
 * session) but unguessable: the token is 128 random bits the point recorded with the receipt
 * (controller/contract/receiptLink.ts). A sale that has not synced yet, an unknown one and a wrong
 * token all get the same 404 page ("noch nicht übertragen"), so the page reveals nothing.
 */
export function receiptRoutes(app: App, deps: RouteDeps): void {
  app.get(
    RECEIPT_PAGE_ROUTE,
    { schema: { params: Params, querystring: Query, response: { 200: Html, 400: ErrorSchema, 404: Html, 500: ErrorSchema } } },
    async (req, reply) => {
      const lang = pickPageLang(req.headers['accept-language']);
      const r = await findReceipt(deps.db, req.params.siteId, req.params.saleId, req.query.t);
      reply.type('text/html; charset=utf-8');
      if (!r) return reply.code(404).send(notYetPage(lang));
      return receiptPage(r, lang);
    },
  );
}
