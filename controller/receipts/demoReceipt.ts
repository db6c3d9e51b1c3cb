import { vatLines, type Receipt } from './receipt.ts';

/**
 * A plausible receipt of a village shop (the virtual point page prints it on request; tests
 * use it): milk and apples at 7 %, apple spritzer with deposit at 19 %, paid by card.
 * 06.12.2026 21:40 in Berlin is 20:40 UTC (CET).
 */
export function demoReceipt(overrides: Partial<Receipt> = {}): Receipt {
  const items: Receipt['items'] = [
    { name: 'Vollmilch 3,8 % 1 l', quantity: 1, unitCents: 129, vatRate: 7 },
    { name: 'Apfelschorle 0,5 l', quantity: 2, unitCents: 89, vatRate: 19 },
    { name: 'Bio-Äpfel 1 kg', quantity: 1, unitCents: 249, vatRate: 7 },
  ];
  const deposits: Receipt['deposits'] = [{ quantity: 2, unitCents: 25, vatRate: 19 }];
  const all = [...items, ...deposits];
  return {
    shop: { name: 'Dorfladen Hemeringen', address: ['Hauptstraße 1', '31840 Hessisch Oldendorf'] },
    at: Date.UTC(2026, 11, 6, 20, 40, 12),
    items,
    deposits,
    vat: vatLines(all),
    totalCents: all.reduce((s, l) => s + l.quantity * l.unitCents, 0),
    payment: 'card',
    transactionId: 'T-2026-000123',
    ledgerSeq: 4711,
    qr: 'V0;hemeringen-1;Kassenbeleg-V1;Beleg^2.28_3.78_0.00_0.00_0.00^6.06:Unbar;123;456;2026-12-06T20:39:58.000Z;2026-12-06T20:40:12.000Z',
    ...overrides,
  };
}
