import { useEffect, useRef, useState } from 'preact/hooks';
import type { CheckoutAnswer, LooseCatalogData, SaleViewData } from '../../../controller/contract/kiosk/index.ts';
import { failureText, type Ctx } from '../context.ts';
import { formatCents } from '../money.ts';
import { Message } from '../screens/Message.tsx';
import { Lines } from './Lines.tsx';

type Props = { ctx: Ctx; sale: SaleViewData; setSale(s: SaleViewData): void; onPay(): void; onCancel(): void };

/** The cart: a barcode field for the scanner (keyboard wedge, Enter adds), the picture grid of loose goods, the lines and total. */
export function Cart({ ctx, sale, setSale, onPay, onCancel }: Props) {
  const { t, lang, client, say } = ctx;
  const [code, setCode] = useState('');
  const [grid, setGrid] = useState<LooseCatalogData['products']>([]);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  // A scanner acting as a keyboard types wherever the focus is: typing outside a field goes to the barcode field.
  useEffect(() => {
    const toField = (e: KeyboardEvent): void => {
      if (e.key.length === 1 && !(document.activeElement instanceof HTMLInputElement)) field.current?.focus();
    };
    window.addEventListener('keydown', toField, true);
    return () => window.removeEventListener('keydown', toField, true);
  }, []);
  // A serial scanner at the point (live `scan` messages) adds like the keyboard-wedge scanner.
  const latest = useRef<(code: string) => void>(() => undefined);
  latest.current = (scanned: string) => void act(() => client.checkout.scan(sale.saleId, { code: scanned }), scanned);
  useEffect(() => ctx.onScan((scanned) => latest.current(scanned)), []);
  useEffect(() => {
    client.checkout
      .looseCatalog()
      .then((c) => setGrid(c.products))
      .catch(() => undefined);
  }, []);

  async function act(call: () => Promise<CheckoutAnswer>, name: string): Promise<void> {
    setBusy(true);
    try {
      const a = await call();
      if (a.ok && a.sale) {
        setSale(a.sale);
        setResult({ ok: true, text: t('shop.added', { name: changedLine(sale, a.sale) ?? name }) });
      } else {
        const text = a.message ?? t('error.generic');
        setResult({ ok: false, text });
        say(text);
      }
    } catch (err) {
      const text = failureText(err, t);
      setResult({ ok: false, text });
      say(text);
    } finally {
      setBusy(false);
    }
  }

  async function scan(): Promise<void> {
    const trimmed = code.trim();
    setCode('');
    if (!trimmed || busy) return;
    await act(() => client.checkout.scan(sale.saleId, { code: trimmed }), trimmed);
  }

  return (
    <section aria-labelledby="title" data-screen="shop-cart">
      <h1 id="title">{t('shop.title')}</h1>
      <p class="lead">{t('shop.lead')}</p>
      <Message text={result?.text ?? null} ok={result?.ok ?? false} testId="shop-message" />
      <div class="shop">
        <div class="stack">
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void scan();
            }}
          >
            <label for="barcode">{t('shop.scan')}</label>
            <div class="row scanrow">
              <input
                id="barcode"
                ref={field}
                autoFocus
                data-testid="shop-scan"
                autoComplete="off"
                aria-describedby="barcode-hint"
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
              <button type="submit" disabled={busy || code.trim() === ''}>
                {t('shop.scanSubmit')}
              </button>
            </div>
            <p id="barcode-hint" class="hint">
              {t('shop.scanHint')}
            </p>
          </form>
          <h2>{t('shop.loose')}</h2>
          <div class="loose" role="group" aria-label={t('shop.loose')}>
            {grid.map((p) => (
              <button
                key={p.plu}
                class="big"
                disabled={busy}
                data-plu={p.plu}
                onClick={() => void act(() => client.checkout.loose(sale.saleId, { plu: p.plu, qty: 1 }), p.name)}
              >
                <span class="label">
                  <span aria-hidden="true">+ </span>
                  {p.name}
                </span>
                <span class="hint">
                  {formatCents(p.priceCents, lang)} {t('shop.perUnit', { unit: p.unit })}
                </span>
              </button>
            ))}
          </div>
        </div>
        <div class="stack">
          <Lines ctx={ctx} sale={sale} />
          <div class="row">
            <button class="primary" data-testid="shop-pay" disabled={busy || sale.lines.length === 0} onClick={onPay}>
              {t('shop.toPay')} <span aria-hidden="true">→</span>
            </button>
            <button data-testid="shop-cancel" onClick={onCancel}>
              <span aria-hidden="true">✕ </span>
              {t('shop.cancel')}
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}

/** The name of the product whose line is new or grew: the confirmation names what the point found, not the raw barcode. */
function changedLine(before: SaleViewData, after: SaleViewData): string | undefined {
  const had = new Map(before.lines.map((l) => [l.productId + (l.batch ?? ''), l.quantity]));
  return after.lines.find((l) => (had.get(l.productId + (l.batch ?? '')) ?? 0) < l.quantity)?.name;
}
