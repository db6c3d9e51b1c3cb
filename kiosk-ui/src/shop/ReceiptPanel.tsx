import { useEffect, useState } from 'preact/hooks';
import type { ReceiptAnswer } from '../../../controller/contract/kiosk/index.ts';
import { failureText, type Ctx } from '../context.ts';
import { Message } from '../screens/Message.tsx';

/**
 * The receipt of a done sale: "Beleg drucken" prints it on the point's printer (a printer without
 * paper is said in words and spoken; the sale is booked anyway), and a QR code links to the
 * receipt page at the backoffice (works once the sale has synced).
 */
export function ReceiptPanel({ ctx, saleId }: { ctx: Ctx; saleId: string }) {
  const { t, client, say } = ctx;
  const [receipt, setReceipt] = useState<ReceiptAnswer | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client.checkout
      .receipt(saleId)
      .then(setReceipt)
      .catch(() => undefined);
  }, [saleId]);

  async function print(): Promise<void> {
    setBusy(true);
    setResult({ ok: true, text: t('receipt.printing') });
    try {
      const a = await client.checkout.print(saleId);
      setResult({ ok: a.ok, text: a.message });
      say(a.message);
    } catch (err) {
      const text = failureText(err, t);
      setResult({ ok: false, text });
      say(text);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="stack receipt">
      <button class="big" data-testid="receipt-print" disabled={busy} onClick={() => void print()}>
        <span aria-hidden="true" class="icon">
          ≡
        </span>
        <span class="label">{t('receipt.print')}</span>
      </button>
      <Message text={result?.text ?? null} ok={result?.ok ?? false} testId="receipt-message" />
      {receipt?.qrSvg ? (
        <figure class="qr" data-testid="receipt-qr">
          <div role="img" aria-label={t('receipt.qrLabel')} dangerouslySetInnerHTML={{ __html: receipt.qrSvg }} />
          <figcaption>
            {t('receipt.qr')}
            <br />
            <small>{t('receipt.qrHint')}</small>
          </figcaption>
        </figure>
      ) : null}
    </div>
  );
}
