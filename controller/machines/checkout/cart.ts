/**
 * The customer's cart before it is fixed: what may go in (known product, valid scan, not past
 * its best-before date, not from a blocked fridge, sane quantity) and the priced, checked lines
 * it becomes at checkout. Nothing here writes to the ledger: a refusal changes nothing.
 */
import type { Clock } from '../../../firmware-bridge/platform/clock.ts';
import type { Catalog, Product } from '../../catalog/catalog.ts';
import { MAX_RECEIPT_CENTS } from '../../receipts/receipt.ts';
import { berlinDate, MAX_LINES, MAX_QUANTITY, saleLines, totals, type CartEntry, type SaleLine, type Totals } from './pricing.ts';
import { refuse, type Refusal } from './refusals.ts';

export interface CartDeps {
  catalog: Catalog;
  fridges: { isBlocked(fridgeId: string): boolean };
  clock: Clock;
}

export function blockedReason(deps: Pick<CartDeps, 'fridges'>, p: { name: string; fridgeId: string | null }): Refusal | null {
  return p.fridgeId !== null && deps.fridges.isBlocked(p.fridgeId) ? refuse('fridge-blocked', `${p.name}: fridge ${p.fridgeId} is blocked (cold chain)`) : null;
}

export class Cart {
  private entries: CartEntry[] = [];

  constructor(private readonly deps: CartDeps) {}

  lines(): SaleLine[] {
    return saleLines(this.entries);
  }

  scan(code: unknown): Refusal | null {
    const found = this.deps.catalog.lookup(code);
    if (!found.ok) return refuse(found.reason, found.detail);
    const today = berlinDate(this.deps.clock.now());
    if (found.scan?.bestBefore && found.scan.bestBefore < today) {
      return refuse('expired', `${found.product.name}: best before ${found.scan.bestBefore}, today ${today}`);
    }
    return this.add(found.product, 1, found.scan?.batch ?? null);
  }

  addLoose(plu: unknown, quantity: unknown): Refusal | null {
    const product = typeof plu === 'string' ? this.deps.catalog.byPlu(plu) : undefined;
    if (!product) return refuse('unknown-product', `no loose product ${String(plu)}`);
    return this.add(product, quantity, null);
  }

  remove(productId: unknown): Refusal | null {
    const i = this.entries.findIndex((e) => e.product.productId === productId);
    if (i === -1) return refuse('unknown-product', `${String(productId)} is not in the cart`);
    this.entries.splice(i, 1);
    return null;
  }

  private add(product: Product, quantity: unknown, batch: string | null): Refusal | null {
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      return refuse('bad-quantity', `quantity ${String(quantity)}`);
    }
    const blocked = blockedReason(this.deps, product);
    if (blocked) return blocked;
    const same = this.entries.find((e) => e.product.productId === product.productId && e.batch === batch);
    if (same) {
      if (same.quantity + quantity > MAX_QUANTITY) return refuse('bad-quantity', `more than ${MAX_QUANTITY} of ${product.name}`);
      same.quantity += quantity;
    } else {
      if (this.entries.length >= MAX_LINES) return refuse('cart-full', `more than ${MAX_LINES} lines`);
      this.entries.push({ product, quantity, batch });
    }
    return null;
  }

  /**
   * The lines to fix, priced from the catalog as it is now. `kioskTotalCents` is what the kiosk
   * showed: it must equal the point's own total (a tampered or stale kiosk is refused).
   */
  fix(kioskTotalCents: unknown): Refusal | { lines: SaleLine[]; totals: Totals } {
    if (this.entries.length === 0) return refuse('empty-cart', 'nothing to pay');
    for (const e of this.entries) {
      const now = this.deps.catalog.product(e.product.productId);
      if (!now) return refuse('unknown-product', `${e.product.name} left the catalog`);
      const blocked = blockedReason(this.deps, now);
      if (blocked) return blocked;
      e.product = now; // the current price
    }
    const lines = saleLines(this.entries);
    const t = totals(lines);
    if (t.totalCents > MAX_RECEIPT_CENTS) return refuse('cart-full', `total ${t.totalCents} cents is more than one receipt can hold`);
    if (kioskTotalCents !== t.totalCents) return refuse('total-mismatch', `kiosk says ${JSON.stringify(kioskTotalCents)}, the point ${t.totalCents} cents`);
    return { lines, totals: t };
  }
}
