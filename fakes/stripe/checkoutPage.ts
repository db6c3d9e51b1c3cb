/**
 * The page the customer's phone opens from the QR code: Stripe's hosted checkout, reduced to
 * the basket, the total and a pay button. It stands in for Stripe's page (not our UI), so it is
 * not translated through the point's i18n.
 */
import type { CheckoutSession, LineItem } from './store.ts';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function euros(cents: number): string {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')} €`;
}

export function checkoutPage(session: CheckoutSession, items: LineItem[], note?: string): string {
  const rows = items.map((li) => `<tr><td>${li.quantity} × ${esc(li.name)}</td><td>${euros(li.unitAmount * li.quantity)}</td></tr>`).join('');
  const action =
    session.status === 'open'
      ? `<form method="post" action="/_fake/checkout/${esc(session.id)}/pay-page">
  <label>Kartennummer / card number <input name="number" value="4242424242424242" inputmode="numeric"></label>
  <button type="submit">Bezahlen / Pay ${euros(session.amount_total)}</button></form>`
      : `<p><strong>${session.status === 'complete' ? 'Bezahlt / Paid' : 'Abgelaufen / Expired'}</strong></p>`;
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Checkout (Stripe fake)</title></head><body><h1>Checkout (Stripe fake)</h1>
<table>${rows}<tr><th>Summe / Total</th><th>${euros(session.amount_total)}</th></tr></table>
${note ? `<p role="alert">${esc(note)}</p>` : ''}${action}</body></html>`;
}
