import type { SaleViewData } from '../../../controller/contract/kiosk/index.ts';
import type { Ctx } from '../context.ts';
import { formatCents } from '../money.ts';
import { Lines } from './Lines.tsx';
import { ReceiptPanel } from './ReceiptPanel.tsx';

/** The sale is paid and committed: the receipt summary (items, VAT per rate, total), then back to the start. */
export function Done({ ctx, sale }: { ctx: Ctx; sale: SaleViewData }) {
  const { t, lang, go } = ctx;
  const euro = (c: number) => formatCents(c, lang);
  return (
    <section aria-labelledby="title" data-screen="shop-done">
      <h1 id="title">
        <span aria-hidden="true">✔ </span>
        {t('done.title')}
      </h1>
      <p class="lead">{t('done.lead')}</p>
      <div class="shop">
        <Lines ctx={ctx} sale={sale} />
        <div class="stack">
          <dl class="vat" data-testid="done-vat">
            {sale.vat.map((v) => (
              <div key={v.rate}>
                <dt>{t('done.vat', { rate: v.rate })}</dt>
                <dd>{t('done.vatDetail', { net: euro(v.netCents), vat: euro(v.vatCents), gross: euro(v.grossCents) })}</dd>
              </div>
            ))}
          </dl>
          <ReceiptPanel ctx={ctx} saleId={sale.saleId} />
          <button class="big primary" data-testid="done-finish" onClick={() => go('welcome')}>
            <span aria-hidden="true" class="icon">
              ✔
            </span>
            <span class="label">{t('done.finish')}</span>
          </button>
        </div>
      </div>
    </section>
  );
}
