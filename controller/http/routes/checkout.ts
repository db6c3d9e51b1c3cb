import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import type { CheckoutAnswer, SaleViewData } from '../../contract/kiosk/checkout.ts';
import { isMessageKey, pickLang, t, type Lang } from '../../i18n/i18n.ts';
import type { CheckoutAction, CheckoutKioskApi, CheckoutOutcome, PointApi, SaleView } from '../pointApi.ts';

const { checkoutBegin, checkoutScan, checkoutLoose, catalogLoose, checkoutConfirm, checkoutAge, checkoutPay, checkoutSale, checkoutAbort } = kioskRoutes;

/**
 * The kiosk checkout: begin a sale, scan barcodes and add loose goods, confirm the kiosk's total
 * (the point prices, the kiosk's figure is only compared), check the buyer's age (member card +
 * PIN, remote operator, age terminal) when the cart needs it, pay by card or member account, poll,
 * abort. A refusal is a 200 answer with `ok: false`, its reason and the translated message
 * (`checkout.refused.<reason>`); it changed nothing. An unknown or ended sale answers 404
 * `unknown-sale`; a point without checkout 404 `not-available`.
 */
export const checkoutRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  const unavailable = (reply: FastifyReply, lang: Lang) => reply.status(404).send({ error: 'not-available', message: t(lang, 'checkout.unavailable') });
  const unknownSale = (reply: FastifyReply, lang: Lang) => reply.status(404).send({ error: 'unknown-sale', message: t(lang, 'checkout.unknownSale') });

  /** Run one action on a sale and answer it in the contract's shape. */
  const act = async (checkout: CheckoutKioskApi | undefined, saleId: string, action: CheckoutAction, reply: FastifyReply, lang: Lang) => {
    if (!checkout) return unavailable(reply, lang);
    const r = await checkout.act(saleId, action);
    if (!r) return unknownSale(reply, lang);
    return answer(lang, r);
  };

  app.post(checkoutBegin.path, { schema: { response: responses(checkoutBegin.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.checkout) return unavailable(reply, lang);
    return { ok: true, sale: saleData(lang, point.checkout.begin()) } satisfies CheckoutAnswer;
  });

  app.get(catalogLoose.path, { schema: { response: responses(catalogLoose.response) } }, async () => ({ products: point.checkout?.loose() ?? [] }));

  app.post(
    checkoutScan.path,
    { schema: { params: checkoutScan.params, body: checkoutScan.body, response: responses(checkoutScan.response) } },
    async (req, reply) => act(point.checkout, req.params.id, { kind: 'scan', code: req.body.code.trim() }, reply, pickLang(req.headers['accept-language'])),
  );

  app.post(
    checkoutLoose.path,
    { schema: { params: checkoutLoose.params, body: checkoutLoose.body, response: responses(checkoutLoose.response) } },
    async (req, reply) =>
      act(point.checkout, req.params.id, { kind: 'loose', plu: req.body.plu, qty: req.body.qty }, reply, pickLang(req.headers['accept-language'])),
  );

  app.post(
    checkoutConfirm.path,
    { schema: { params: checkoutConfirm.params, body: checkoutConfirm.body, response: responses(checkoutConfirm.response) } },
    async (req, reply) =>
      act(point.checkout, req.params.id, { kind: 'confirm', totalCents: req.body.totalCents }, reply, pickLang(req.headers['accept-language'])),
  );

  app.post(
    checkoutAge.path,
    { schema: { params: checkoutAge.params, body: checkoutAge.body, response: responses(checkoutAge.response) } },
    async (req, reply) => act(point.checkout, req.params.id, { kind: 'age', age: req.body }, reply, pickLang(req.headers['accept-language'])),
  );

  app.post(
    checkoutPay.path,
    { schema: { params: checkoutPay.params, body: checkoutPay.body, response: responses(checkoutPay.response) } },
    async (req, reply) => act(point.checkout, req.params.id, { kind: 'pay', pay: req.body }, reply, pickLang(req.headers['accept-language'])),
  );

  app.post(checkoutAbort.path, { schema: { params: checkoutAbort.params, response: responses(checkoutAbort.response) } }, async (req, reply) =>
    act(point.checkout, req.params.id, { kind: 'abort' }, reply, pickLang(req.headers['accept-language'])),
  );

  app.get(checkoutSale.path, { schema: { params: checkoutSale.params, response: responses(checkoutSale.response) } }, async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    if (!point.checkout) return unavailable(reply, lang);
    const sale = await point.checkout.sale(req.params.id);
    if (!sale) return unknownSale(reply, lang);
    return saleData(lang, sale);
  });
};

function refusalMessage(lang: Lang, reason: string): string {
  const key = `checkout.refused.${reason}`;
  return isMessageKey(key) ? t(lang, key) : t(lang, 'checkout.refused.not-now');
}

function saleData(lang: Lang, s: SaleView): SaleViewData {
  return { ...s, refusal: s.refusal ? { reason: s.refusal.reason, message: refusalMessage(lang, s.refusal.reason) } : null };
}

function answer(lang: Lang, r: CheckoutOutcome): CheckoutAnswer {
  return r.ok ? { ok: true, sale: saleData(lang, r.sale) } : { ok: false, reason: r.reason, message: refusalMessage(lang, r.reason) };
}
