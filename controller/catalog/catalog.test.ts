import { afterEach, describe, expect, it } from 'vitest';
import { ledgerFixture } from '../ledger/testSupport.ts';
import { Catalog, catalogChangeMapper, catalogProblems } from './catalog.ts';
import { demoCatalogChange, demoGtin } from './demoCatalog.ts';

let fx: ReturnType<typeof ledgerFixture>;
afterEach(() => fx?.cleanup());

describe('catalog from the downlink change', () => {
  it('the demo catalog has ~60 valid products, the loose goods have pictures, and it applies as one catalog.set', () => {
    const body = demoCatalogChange();
    expect(catalogProblems(body)).toEqual([]);
    expect(body.products.length).toBeGreaterThanOrEqual(55);
    fx = ledgerFixture();
    const ledger = fx.open();
    const catalog = new Catalog(ledger);
    expect(catalog.size()).toBe(0);
    ledger.appendMany(catalogChangeMapper(body, {} as never) as never);
    expect(catalog.catalogId()).toBe('demo-1');
    expect(catalog.lookup(demoGtin('Pils'))).toMatchObject({ ok: true, product: { name: 'Pils', ageClass: 16, depositCents: 8, vatRate: 19 } });
    expect(catalog.loose().map((p) => p.name)).toContain('Brötchen');
    expect(catalog.byPlu('1001')).toMatchObject({ priceCents: 45, vatRate: 7 });
    // a new process reads the same catalog from the ledger
    const again = new Catalog(fx.open());
    expect(again.size()).toBe(body.products.length);
  });

  it('refuses a catalog with a bad check digit, a duplicate GTIN, float prices or a product both barcoded and loose — naming the field', () => {
    const good = demoCatalogChange();
    const bad = (mutate: (b: ReturnType<typeof demoCatalogChange>) => void) => {
      const b = structuredClone(good);
      mutate(b);
      return catalogProblems(b).join('; ');
    };
    expect(bad((b) => (b.products[0]!.gtin = '4001234000012'))).toMatch(/products\[0\]\.gtin.*check-digit/);
    expect(bad((b) => (b.products[1]!.gtin = b.products[0]!.gtin))).toMatch(/listed twice/);
    expect(bad((b) => (b.products[0]!.priceCents = 1.29))).toMatch(/priceCents/);
    expect(bad((b) => (b.products[0]!.plu = '999'))).toMatch(/exactly one of gtin and plu/);
    expect(() => catalogChangeMapper({ catalogId: 'x', products: [{}] }, {} as never)).toThrow(/catalog change/);
  });

  it('an unknown barcode and a malformed GS1 string are told apart', () => {
    fx = ledgerFixture();
    const ledger = fx.open();
    ledger.appendMany(catalogChangeMapper(demoCatalogChange(), {} as never) as never);
    const catalog = new Catalog(ledger);
    expect(catalog.lookup('4006381333931')).toMatchObject({ ok: false, reason: 'unknown-product' });
    expect(catalog.lookup('(01)0400638133393')).toMatchObject({ ok: false, reason: 'malformed-gs1' });
  });
});
