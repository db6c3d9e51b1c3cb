import { useEffect, useState } from 'preact/hooks';
import type { CheckoutAnswer, SaleViewData } from '../../../controller/contract/kiosk/index.ts';
import { failureText, type Ctx } from '../context.ts';
import { formatCents } from '../money.ts';
import { Message } from '../screens/Message.tsx';
import { Lines } from './Lines.tsx';
import { RemoteAge } from './RemoteAge.tsx';
import { AccountForm } from './AccountForm.tsx';
import { PayPhone } from './PayPhone.tsx';

type Props = { ctx: Ctx; sale: SaleViewData; setSale(s: SaleViewData): void; onDone(): void; onCancel(): void };

/** How often the kiosk asks the point about a running card payment. */
const POLL_MS = 1000;
/** States in which the point is moving the sale on by itself: keep polling. */
const RUNNING = new Set(['payment', 'voiding', 'committing', 'signing', 'receipt']);

/**
 * Paying: confirms the total the kiosk showed (the point compares it with its own), then the age
 * check when the cart asks for one (member card + PIN, or an operator asked remotely), then the
 * method — card at the reader, phone (QR code to a payment page; needs the backoffice), member
 * account (card + PIN; works offline) — polling the sale until it is done or the payment failed.
 */
export function Pay({ ctx, sale, setSale, onDone, onCancel }: Props) {
  const { t, lang, client, say } = ctx;
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [cardUid, setCardUid] = useState('');
  const [pin, setPin] = useState('');
  const [accountOpen, setAccountOpen] = useState(false);
  const total = formatCents(sale.totalCents, lang);
  const waitingForCard = sale.payment !== null && RUNNING.has(sale.state);
  const byPhone = sale.payment?.provider === 'phone';
  const choosing = (sale.state === 'payment' && sale.payment === null) || sale.state === 'paymentFailed';

  async function act(call: () => Promise<CheckoutAnswer>): Promise<SaleViewData | null> {
    setBusy(true);
    try {
      const a = await call();
      if (a.ok && a.sale) {
        setSale(a.sale);
        setResult(null);
        return a.sale;
      }
      const text = a.message ?? t('error.generic');
      setResult({ ok: false, text });
      say(text);
    } catch (err) {
      const text = failureText(err, t);
      setResult({ ok: false, text });
      say(text);
    } finally {
      setBusy(false);
    }
    return null;
  }

  useEffect(() => {
    say(t('speech.pay', { total }));
    if (sale.state === 'cart') void act(() => client.checkout.confirm(sale.saleId, { totalCents: sale.totalCents }));
  }, []);

  // a running payment: ask the point until the sale is done or the payment failed
  useEffect(() => {
    if (sale.state === 'done') {
      say(t('speech.done'));
      onDone();
      return;
    }
    if (sale.state === 'paymentFailed') {
      const text = byPhone ? t('pay.phoneFailed') : t('pay.failed');
      setResult({ ok: false, text });
      say(text);
      return;
    }
    // also while an operator decides a remote age check
    if (!waitingForCard && sale.remoteAge?.status !== 'waiting') return;
    const timer = setTimeout(() => {
      client.checkout
        .sale(sale.saleId)
        .then(setSale)
        .catch((err: unknown) => {
          setResult({ ok: false, text: failureText(err, t) });
          setSale({ ...sale }); // try again on the next tick
        });
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [sale]);

  const payByCard = async (): Promise<void> => {
    const s = await act(() => client.checkout.pay(sale.saleId, { method: 'card' }));
    if (s?.payment) say(t('pay.presentCard'));
  };

  const payByPhone = async (): Promise<void> => {
    const s = await act(() => client.checkout.pay(sale.saleId, { method: 'phone' }));
    if (s?.payment && s.state === 'payment') say(t('pay.phoneScan'));
  };

  const payByAccount = async (cardUid: string, pin: string): Promise<boolean> => {
    const s = await act(() => client.checkout.pay(sale.saleId, { method: 'account', memberCredential: { cardUid, pin } }));
    if (s) setAccountOpen(false);
    return s !== null;
  };

  return (
    <section aria-labelledby="title" data-screen="shop-pay">
      <h1 id="title">{t('pay.title')}</h1>
      <p class="lead amount" data-testid="pay-total">
        {t('pay.amount', { total })}
      </p>
      <Message text={result?.text ?? null} ok={result?.ok ?? false} testId="pay-message" />
      <div class="shop">
        <div class="stack">
          {sale.state === 'ageCheck' ? (
            <form
              class="stack"
              aria-labelledby="age-title"
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => client.checkout.age(sale.saleId, { method: 'member', memberCredential: { cardUid: cardUid.trim(), pin } })).then((s) => {
                  if (s) setPin('');
                });
              }}
            >
              <h2 id="age-title">{t('pay.ageTitle')}</h2>
              <p>{t('pay.ageLead', { age: sale.requiredAge })}</p>
              <label for="card-uid">{t('pay.cardUid')}</label>
              <input id="card-uid" data-testid="age-card" autoComplete="off" value={cardUid} onInput={(e) => setCardUid(e.currentTarget.value)} />
              <label for="pin">{t('pay.pin')}</label>
              <input
                id="pin"
                data-testid="age-pin"
                type="password"
                inputMode="numeric"
                autoComplete="off"
                value={pin}
                onInput={(e) => setPin(e.currentTarget.value.replace(/\D/g, ''))}
              />
              <button type="submit" class="primary" data-testid="age-submit" disabled={busy || cardUid.trim() === '' || pin === ''}>
                {t('pay.ageSubmit')}
              </button>
            </form>
          ) : null}
          {sale.requiredAge > 0 ? (
            <RemoteAge ctx={ctx} sale={sale} busy={busy} onAsk={() => void act(() => client.checkout.age(sale.saleId, { method: 'remote' }))} />
          ) : null}
          {waitingForCard && byPhone && sale.state === 'payment' ? <PayPhone ctx={ctx} sale={sale} /> : null}
          {waitingForCard && !(byPhone && sale.state === 'payment') ? (
            <p class="notice card-wait" role="status" data-testid="pay-present">
              <span aria-hidden="true" class="icon">
                ▭{' '}
              </span>
              <strong>{sale.state === 'payment' && sale.payment?.provider !== 'member-account' ? t('pay.presentCard') : t('pay.waiting')}</strong>
              <br />
              {sale.payment?.provider !== 'member-account' ? t('pay.presentCardHint') : null}
            </p>
          ) : null}
          {choosing ? (
            <button class="big primary" data-testid="pay-card" disabled={busy} onClick={() => void payByCard()}>
              <span aria-hidden="true" class="icon">
                ▭
              </span>
              <span class="label">{sale.state === 'paymentFailed' && !byPhone ? t('pay.retry') : t('pay.card')}</span>
              <span class="hint">{total}</span>
            </button>
          ) : null}
          {choosing ? (
            <button class="big" data-testid="pay-phone-choose" disabled={busy || ctx.noBackoffice} onClick={() => void payByPhone()}>
              <span aria-hidden="true" class="icon">
                ▯
              </span>
              <span class="label">{t('pay.phone')}</span>
              <span class="hint">{ctx.noBackoffice ? t('pay.phoneOffline') : t('pay.phoneChooseHint')}</span>
            </button>
          ) : null}
          {choosing && !accountOpen ? (
            <button class="big" data-testid="pay-account-choose" disabled={busy} onClick={() => setAccountOpen(true)}>
              <span aria-hidden="true" class="icon">
                ☰
              </span>
              <span class="label">{t('pay.account')}</span>
              <span class="hint">{t('pay.accountChooseHint')}</span>
            </button>
          ) : null}
          {choosing && accountOpen ? <AccountForm ctx={ctx} busy={busy} onSubmit={payByAccount} /> : null}
          {sale.state === 'aborted' ? <p data-testid="pay-aborted">{t('shop.aborted')}</p> : null}
          <div class="row">
            <button data-testid="shop-cancel" onClick={onCancel}>
              <span aria-hidden="true">✕ </span>
              {t('shop.cancel')}
            </button>
          </div>
        </div>
        <Lines ctx={ctx} sale={sale} />
      </div>
    </section>
  );
}
