import type { SaleViewData } from '../../../controller/contract/kiosk/index.ts';
import type { Ctx } from '../context.ts';
import { formatCents } from '../money.ts';

/** The sale's lines (quantity, name, price in euros) and the total, as a table. */
export function Lines({ ctx, sale }: { ctx: Ctx; sale: SaleViewData }) {
  const { t, lang } = ctx;
  const euro = (c: number) => formatCents(c, lang);
  if (sale.lines.length === 0) return <p data-testid="shop-empty">{t('shop.empty')}</p>;
  return (
    <table class="lines" data-testid="shop-lines">
      <caption>{t('shop.cart')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('shop.qty')}</th>
          <th scope="col">{t('shop.item')}</th>
          <th scope="col" class="num">
            {t('shop.price')}
          </th>
        </tr>
      </thead>
      <tbody>
        {sale.lines.map((l) => (
          <tr key={l.productId + (l.batch ?? '')}>
            <td>{l.quantity} ×</td>
            <td>
              {l.name}
              {l.depositCents > 0 ? <small> ({t('shop.deposit')})</small> : null}
            </td>
            <td class="num">{euro(l.lineCents)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2}>
            {t('shop.total')}
          </th>
          <td class="num total" data-testid="shop-total">
            {euro(sale.totalCents)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
