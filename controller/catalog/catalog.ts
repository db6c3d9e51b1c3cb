/**
 * The point's product catalog: the newest `catalog.set` ledger event, which the downlink change
 * `catalog` becomes (one event replaces the whole catalog: a point that missed a change is whole
 * again with the next, and a sale always prices against one consistent catalog). Lookups by
 * scan (GTIN or GS1 element string) and by PLU for loose goods (the picture grid).
 */
import { schemaProblems } from '../../firmware-bridge/platform/validation.ts';
import { CatalogChangeSchema, type CatalogProduct } from '../contract/changes/catalog.ts';
import type { LedgerEvent } from '../ledger/types.ts';
import { ChangeRejected, type ChangeEvent, type ChangeEventMapper } from '../sync/changeApplier.ts';
import { parseScan, type Scan } from './gs1.ts';
import { parseGtin } from './gtin.ts';

export interface Product extends CatalogProduct {
  /** The key stock and sales use: the GTIN as 14 digits, or `plu:<code>`. */
  productId: string;
}

export type Lookup =
  { ok: true; product: Product; scan: Scan | null } | { ok: false; reason: 'malformed-gs1' | 'bad-gtin' | 'unknown-product'; detail: string };

/** What the catalog needs of the ledger (structurally `Ledger`). */
export interface CatalogLedger {
  latestEvent(type: string): LedgerEvent | undefined;
  onAppended(listener: (e: LedgerEvent) => void): () => void;
}

export const productIdOf = (p: CatalogProduct): string => (p.gtin !== null ? parseGtinOrThrow(p.gtin) : `plu:${p.plu}`);

function parseGtinOrThrow(gtin: string): string {
  const g = parseGtin(gtin);
  if (!g.ok) throw new ChangeRejected(`catalog: GTIN ${gtin} has a ${g.problem} problem`);
  return g.gtin14;
}

/** Every reason a catalog body must not be applied (empty = fine). Never throws. */
export function catalogProblems(body: unknown): string[] {
  const shape = schemaProblems(CatalogChangeSchema, body);
  if (shape.length > 0) return shape;
  const out: string[] = [];
  const seen = new Set<string>();
  (body as { products: CatalogProduct[] }).products.forEach((p, i) => {
    if ((p.gtin === null) === (p.plu === null)) out.push(`products[${i}]: exactly one of gtin and plu`);
    if (p.gtin !== null) {
      const g = parseGtin(p.gtin);
      if (!g.ok) out.push(`products[${i}].gtin: ${p.gtin} fails its ${g.problem}`);
    }
    if (p.plu !== null && !p.picture) out.push(`products[${i}].picture: loose goods need a picture`);
    let id: string;
    try {
      id = productIdOf(p);
    } catch {
      return;
    }
    if (seen.has(id)) out.push(`products[${i}]: ${id} listed twice`);
    seen.add(id);
  });
  return out;
}

/** The downlink mapper for the `catalog` change: one `catalog.set` event, or a rejection naming the field. */
export const catalogChangeMapper: ChangeEventMapper = (body): ChangeEvent[] => {
  const problems = catalogProblems(body);
  if (problems.length > 0) throw new ChangeRejected(`catalog change: ${problems.slice(0, 5).join('; ')}`);
  const b = body as { catalogId: string; products: CatalogProduct[] };
  return [{ type: 'catalog.set', data: { catalogId: b.catalogId, products: b.products } }];
};

export class Catalog {
  private byId = new Map<string, Product>();
  private id: string | null = null;
  private readonly unsubscribe: () => void;

  constructor(ledger: CatalogLedger) {
    const latest = ledger.latestEvent('catalog.set');
    if (latest) this.load(latest);
    this.unsubscribe = ledger.onAppended((e) => {
      if (e.type === 'catalog.set') this.load(e);
    });
  }

  private load(e: LedgerEvent): void {
    const data = e.data as { catalogId: string; products: CatalogProduct[] };
    const next = new Map<string, Product>();
    for (const p of data.products) next.set(productIdOf(p), { ...p, productId: productIdOf(p) });
    this.byId = next;
    this.id = data.catalogId;
  }

  catalogId(): string | null {
    return this.id;
  }

  size(): number {
    return this.byId.size;
  }

  product(productId: string): Product | undefined {
    return this.byId.get(productId);
  }

  /** A scanner read → the product (with batch and best-before when the code carried them). */
  lookup(code: unknown): Lookup {
    const parsed = parseScan(code);
    if (!parsed.ok) return parsed;
    const product = this.byId.get(parsed.scan.gtin14);
    if (!product) return { ok: false, reason: 'unknown-product', detail: `no product with GTIN ${parsed.scan.gtin14}` };
    return { ok: true, product, scan: parsed.scan };
  }

  /** Loose goods for the picture grid, by group then name. */
  loose(): Product[] {
    return [...this.byId.values()].filter((p) => p.plu !== null).sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name));
  }

  byPlu(plu: string): Product | undefined {
    return this.byId.get(`plu:${plu}`);
  }

  close(): void {
    this.unsubscribe();
  }
}
