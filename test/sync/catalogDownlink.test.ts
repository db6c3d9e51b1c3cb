/**
 * The demo catalog travels the real downlink: the backoffice publishes change `catalog`
 * (typed by `changeSchemas`), the point's sync client applies it with `catalogChangeMapper`
 * as one `catalog.set` event, and the point's Catalog prices from it. A bad catalog (a GTIN
 * with a wrong check digit) is rejected whole and the previous catalog stays.
 */
import { describe, expect, it } from 'vitest';
import { Catalog, catalogChangeMapper } from '../../controller/catalog/catalog.ts';
import { demoCatalogChange, demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { changeEvents } from '../../controller/downlink/changes.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';
import { startRealBackoffice } from './support/backoffices.ts';
import { startAedes } from './support/brokers.ts';
import { openPoint, uniqueSiteId } from './support/harness.ts';

const { defer, tempDir } = useCleanup();

describe('catalog over the downlink', () => {
  it('the backoffice publishes the demo catalog; the point applies it once and sells from it; a bad catalog changes nothing', async () => {
    const dir = tempDir();
    const broker = await startAedes();
    defer(() => broker.close());
    const bo = await startRealBackoffice(broker.url, 'sqlite', dir);
    defer(() => bo.close());
    const siteId = uniqueSiteId('catalog');
    const point = openPoint({ brokerUrl: broker.url, siteId, dbPath: `${dir}/ledger.db`, changeEvents: { ...changeEvents, catalog: catalogChangeMapper } });
    defer(() => point.close());
    const catalog = new Catalog(point.ledger);
    defer(() => catalog.close());
    point.sync.start();
    const backoffice = bo.product();
    await waitFor(
      async () => {
        const s = await backoffice.db.selectFrom('sites').select('status').where('site_id', '=', siteId).executeTakeFirst();
        return s?.status === 'online';
      },
      { timeoutMs: 10_000, what: 'the backoffice to see the point online' },
    );

    await backoffice.downlink.publishChange(siteId, 'catalog', demoCatalogChange('demo-1'));
    await waitFor(() => point.sync.appliedVersion() === 1, { timeoutMs: 10_000, what: 'the catalog applied' });
    expect(catalog.catalogId()).toBe('demo-1');
    expect(catalog.size()).toBe(demoCatalogChange().products.length);
    expect(catalog.lookup(demoGtin('Korn 32 %'))).toMatchObject({ ok: true, product: { ageClass: 18, priceCents: 899 } });

    const bad = demoCatalogChange('demo-2');
    bad.products[0]!.gtin = bad.products[0]!.gtin!.slice(0, -1) + String((Number(bad.products[0]!.gtin!.slice(-1)) + 1) % 10);
    await backoffice.downlink.publishChange(siteId, 'catalog', bad);
    await waitFor(() => point.sync.appliedVersion() === 2, { timeoutMs: 10_000, what: 'the bad catalog answered' });
    expect(catalog.catalogId()).toBe('demo-1');
    expect(point.ledger.eventsOfTypes(['catalog.set'], 1, 10)).toHaveLength(1);
  });
});
