import type { SaleViewData } from '../../../controller/contract/kiosk/index.ts';
import { useEffect } from 'preact/hooks';
import type { Ctx } from '../context.ts';
import { KIOSK_BUSY } from '../inactivity.ts';

/** While the customer pays on the phone, the kiosk is not idle (the point's payment limit ends it). */
const BUSY_EVERY_MS = 10_000;

/**
 * Pay by phone: the QR code of the short link to the payment page (drawn by the point as SVG) and
 * the link as text for typing it in. Until the backoffice has sent the link: a waiting note.
 */
export function PayPhone({ ctx, sale }: { ctx: Ctx; sale: SaleViewData }) {
  const { t } = ctx;
  const link = sale.phoneLink ?? null;
  useEffect(() => {
    const t = setInterval(() => window.dispatchEvent(new Event(KIOSK_BUSY)), BUSY_EVERY_MS);
    return () => clearInterval(t);
  }, []);
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
