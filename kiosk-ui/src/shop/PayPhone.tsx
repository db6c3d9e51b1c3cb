import type { SaleViewData } from '../../../controller/contract/kiosk/index.ts';
import type { Ctx } from '../context.ts';

/**
 * Pay by phone: the QR code of the short link to the payment page (drawn by the point as SVG) and
 * the link as text for typing it in. Until the backoffice has sent the link: a waiting note.
 */
export function PayPhone({ ctx, sale }: { ctx: Ctx; sale: SaleViewData }) {
  const { t } = ctx;
  const link = sale.phoneLink ?? null;
  if (!link) {
    return (
      <p class="notice" role="status" data-testid="pay-phone-preparing">
        {t('pay.phonePreparing')}
      </p>
    );
  }
  return (
    <div class="notice phone-pay" role="status" data-testid="pay-phone">
      <strong>{t('pay.phoneScan')}</strong>
      <img class="qr" data-testid="pay-phone-qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(link.qrSvg)}`} alt={t('pay.phoneQrAlt')} />
      <p>
        {t('pay.phoneOrType')}{' '}
        <span class="link-text" data-testid="pay-phone-url">
          {link.shortUrl}
        </span>
      </p>
      <p>{t('pay.phoneHint')}</p>
    </div>
  );
}
