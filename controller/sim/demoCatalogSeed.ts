/**
 * The simulated point's products: on a first start (no catalog in the ledger yet) the demo
 * catalog is recorded through the downlink's `catalog` change mapper, as a change from the
 * backoffice would be, so `npm start` has products to sell. A later catalog change replaces it.
 */
import { catalogChangeMapper } from '../catalog/catalog.ts';
import { demoCatalogChange } from '../catalog/demoCatalog.ts';
import type { Ledger } from '../ledger/index.ts';

export function seedDemoCatalog(ledger: Ledger): void {
  if (ledger.latestEvent('catalog.set')) return;
  ledger.appendMany(catalogChangeMapper(demoCatalogChange(), { v: 1, version: 0, kind: 'catalog', body: null }));
}
