/**
 * A point that dies in the middle of a phone payment (the kiosk showed the QR code) ends that
 * sale exactly once when it starts again: paid on the phone meanwhile → the sale is committed
 * (reconciled); not paid → aborted and the session's expiry asked of the backoffice, and a
 * payment that still comes in afterwards is recorded without a sale (the backoffice refunds it).
 * The controller is abandoned as by `kill -9` (nothing finished) and rebuilt on the same ledger file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { Catalog, catalogChangeMapper } from '../../controller/catalog/catalog.ts';
import { demoCatalogChange, demoGtin } from '../../controller/catalog/demoCatalog.ts';
import type { Ledger } from '../../controller/ledger/ledger.ts';
import { ledgerFixture } from '../../controller/ledger/testSupport.ts';
import { createCheckout, type CheckoutService } from '../../controller/machines/checkout/checkoutService.ts';
import { createPayByPhoneProvider } from '../../controller/payments/payByPhone.ts';
import { paymentChangeEvents } from '../../controller/payments/paymentChanges.ts';
import { ChangeApplier } from '../../controller/sync/changeApplier.ts';
import { syncMigrations } from '../../controller/sync/migrations.ts';
import { unconfiguredCardProvider } from '../../controller/wiring/pointCheckout.ts';
import type { CrashStep } from '../../controller/machines/checkout/ports.ts';
import { SimulatedCrash, TIMING } from './checkoutRig.ts';

class PhoneRig {
  ledger!: Ledger;
  catalog!: Catalog;
  checkout!: CheckoutService;
  private applier!: ChangeApplier;
  readonly fx = ledgerFixture();
  online = true;
  /** Throw at this step once: the controller is abandoned there. */
  crashAt: CrashStep | null = null;

  constructor() {
    this.ledger = this.fx.open({ migrations: syncMigrations });
    this.ledger.appendMany(catalogChangeMapper(demoCatalogChange(), {} as never) as never);
    this.build();
  }

  private build(): void {
    this.catalog = new Catalog(this.ledger);
    const phone = createPayByPhoneProvider({ ledger: this.ledger, online: () => this.online, logger: createSilentLogger() });
    this.checkout = createCheckout({
      ledger: this.ledger,
      catalog: this.catalog,
      fridges: { isBlocked: () => false },
      providers: { card: unconfiguredCardProvider(), phone },
      clock: this.fx.clock,
      logger: createSilentLogger(),
      shop: { name: 'Dorfladen', address: [] },
      timing: TIMING,
      probe: (step) => {
        if (this.crashAt === step) {
          this.crashAt = null;
          throw new SimulatedCrash(`crash at ${step}`);
        }
      },
    });
    this.applier = new ChangeApplier(this.ledger.db, {}, createSilentLogger(), paymentChangeEvents(this.ledger, createSilentLogger()), this.ledger);
  }

  /** A downlink change as the sync client applies it (next version). */
  apply(kind: string, body: unknown) {
    return this.applier.apply({ v: 1, version: this.applier.appliedVersion() + 1, kind, body });
  }

  restart(): void {
    this.checkout.close();
    this.catalog.close();
    this.ledger.close();
    this.ledger = this.fx.open({ migrations: syncMigrations });
    this.build();
  }

  events(type: string) {
    return this.ledger.eventsOfTypes([type], 1, 10_000).map((e) => e.data as Record<string, unknown>);
  }
}

let rig: PhoneRig;
afterEach(() => {
  rig.checkout.close();
  rig.catalog.close();
  rig.fx.cleanup();
});

/** A coffee paid by phone up to the QR code; returns the sale, payment and session. */
async function showQr(r: PhoneRig): Promise<{ saleId: string; paymentId: string; sessionId: string }> {
  const s = r.checkout.begin();
  expect(s.scan(demoGtin('Kaffee, ganze Bohne')).ok).toBe(true);
  expect(s.checkout(699).ok).toBe(true);
  expect((await s.pay({ method: 'phone' })).ok).toBe(true);
  const paymentId = s.view().payment!.paymentId;
  const sessionId = `cs_test_${paymentId.replace(/-/g, '')}`;
  const link = {
    stage: 'link',
    paymentId,
    saleId: s.saleId,
    sessionId,
    shortUrl: 'https://bo.example/p/abcd2345',
    amountCents: 699,
    expiresAt: 2_000_000_000_000,
  };
  expect(r.apply('payment.phone', link).outcome).toBe('applied');
  return { saleId: s.saleId, paymentId, sessionId };
}

const completed = (saleId: string, sessionId: string) => ({
  eventId: `evt_${sessionId.slice(8, 30)}`,
  type: 'checkout.session.completed',
  objectId: sessionId,
  paymentIntentId: 'pi_123',
  status: 'complete',
  amountCents: 699,
  saleId,
  failureCode: null,
  createdAt: 1_800_000_000_000,
});

describe('a restart in the middle of a phone payment', () => {
  it('commits the sale once when the phone paid while the point was down', async () => {
    rig = new PhoneRig();
    const { saleId, sessionId } = await showQr(rig);
    rig.restart(); // killed with the QR code on screen
    rig.online = false; // the point starts before its link to the backoffice
    expect(rig.apply('payment.webhook', completed(saleId, sessionId)).outcome).toBe('applied'); // the relayed completion, resent after the restart
    const report = await rig.checkout.reconcile();
    expect(report.committed).toEqual([saleId]);
    expect(rig.events('sale.committed')).toEqual([expect.objectContaining({ saleId, totalCents: 699, reconciled: true })]);
    expect(rig.events('phone-pay.cancel-requested')).toEqual([]);
    rig.restart();
    expect(await rig.checkout.reconcile()).toMatchObject({ committed: [], aborted: [], voided: [] });
    expect(rig.events('sale.committed')).toHaveLength(1);
  });

  it('aborts an unpaid one and asks for the session to be expired; a payment arriving later makes no sale', async () => {
    rig = new PhoneRig();
    const { saleId, paymentId, sessionId } = await showQr(rig);
    rig.restart();
    rig.online = false;
    const report = await rig.checkout.reconcile();
    expect(report).toMatchObject({ committed: [], aborted: [saleId], voided: [paymentId] });
    expect(rig.events('phone-pay.cancel-requested')).toEqual([{ paymentId, saleId }]);
    // the customer paid before the backoffice could expire the session
    expect(rig.apply('payment.webhook', completed(saleId, sessionId)).outcome).toBe('applied');
    expect(
      rig.apply('payment.phone', { stage: 'refunded', paymentId, saleId, sessionId, refundId: 're_1', amountCents: 699, detail: 'paid-after-cancel' }).outcome,
    ).toBe('applied');
    rig.restart();
    expect(await rig.checkout.reconcile()).toMatchObject({ committed: [], aborted: [], voided: [] });
    expect(rig.events('sale.committed')).toEqual([]);
    expect(rig.events('phone-pay.ended')).toEqual([expect.objectContaining({ stage: 'refunded', refundId: 're_1' })]);
  });

  it('a crash right after `payment.started` (no request yet) closes the payment at the next start, offline, without a session', async () => {
    rig = new PhoneRig();
    const s = rig.checkout.begin();
    s.scan(demoGtin('Kaffee, ganze Bohne'));
    s.checkout(699);
    rig.crashAt = 'payment-started';
    await expect(s.pay({ method: 'phone' })).rejects.toThrow('crash at payment-started');
    rig.restart();
    rig.online = false;
    const report = await rig.checkout.reconcile();
    expect(report).toMatchObject({ aborted: [s.saleId], deferred: [] });
    expect(rig.events('payment.canceled')).toEqual([expect.objectContaining({ saleId: s.saleId, ref: null })]);
    expect(rig.events('phone-pay.requested')).toEqual([]);
    expect(rig.events('sale.committed')).toEqual([]);
  });
});
