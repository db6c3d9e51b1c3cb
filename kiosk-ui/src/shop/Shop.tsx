import { useEffect, useRef, useState } from 'preact/hooks';
import type { SaleViewData } from '../../../controller/contract/kiosk/index.ts';
import { failureText, type Ctx } from '../context.ts';
import { Message } from '../screens/Message.tsx';
import { Cart } from './Cart.tsx';
import { Pay } from './Pay.tsx';
import { Done } from './Done.tsx';

/** Sale states in which the customer can still cancel (the point voids a waiting payment). */
const ABORTABLE = new Set(['cart', 'ageCheck', 'payment', 'paymentFailed']);

/**
 * The shop flow: begins a sale on entry, then cart → pay → done. Leaving it any way before the
 * sale is done (Abbrechen, back, help, inactivity) aborts the sale on the point.
 */
export function Shop({ ctx }: { ctx: Ctx }) {
  const { t, client, go } = ctx;
  const [sale, setSale] = useState<SaleViewData | null>(null);
  const [phase, setPhase] = useState<'cart' | 'pay' | 'done'>('cart');
  const [error, setError] = useState<string | null>(null);
  const current = useRef<SaleViewData | null>(null);
  current.current = sale;

  useEffect(() => {
    let left = false;
    client.checkout
      .begin()
      .then((a) => {
        if (left) {
          if (a.sale) void client.checkout.abort(a.sale.saleId).catch(() => undefined);
        } else if (a.ok && a.sale) setSale(a.sale);
        else setError(a.message ?? t('error.generic'));
      })
      .catch((err: unknown) => {
        if (!left) setError(failureText(err, t));
      });
    return () => {
      left = true;
      const s = current.current;
      if (s && ABORTABLE.has(s.state)) void client.checkout.abort(s.saleId).catch(() => undefined);
    };
  }, []);

  async function cancel(): Promise<void> {
    const s = current.current;
    current.current = null;
    if (s && ABORTABLE.has(s.state)) await client.checkout.abort(s.saleId).catch(() => undefined);
    go('welcome');
  }

  if (!sale) {
    return (
      <section aria-labelledby="title" data-screen="shop">
        <h1 id="title">{t('shop.title')}</h1>
        {error ? <Message text={error} ok={false} testId="shop-message" /> : <p class="lead">{t('shop.starting')}</p>}
      </section>
    );
  }
  if (phase === 'done') return <Done ctx={ctx} sale={sale} />;
  if (phase === 'pay') return <Pay ctx={ctx} sale={sale} setSale={setSale} onDone={() => setPhase('done')} onCancel={() => void cancel()} />;
  return <Cart ctx={ctx} sale={sale} setSale={setSale} onPay={() => setPhase('pay')} onCancel={() => void cancel()} />;
}
