/**
 * The `age-check.decide` downlink command at the point, through the real CommandRunner and the real
 * checkout: the operator's answer reaches only its own open check, once, before the deadline. A
 * decision for another sale, an expired check, a second decision of the same check (a replayed
 * approval under a new command id), or one after the sale ended is refused and writes nothing.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import type { Command } from '../../controller/contract/sync/index.ts';
import { ageCheckCommandHandlers } from '../../controller/downlink/ageCheckCommands.ts';
import { CommandRunner } from '../../controller/sync/commandRunner.ts';
import { syncMigrations } from '../../controller/sync/migrations.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import type { Result } from '../../controller/machines/checkout/checkoutSession.ts';
import { CheckoutRig, TIMING } from './checkoutRig.ts';

let rig: CheckoutRig;
afterEach(async () => rig?.close());

const BEER = demoGtin('Pils');
const ok = (r: Result) => {
  if (!r.ok) throw new Error(`refused: ${r.reason} ${r.detail}`);
  return r.view;
};

function commandRunner(r: CheckoutRig): CommandRunner {
  const db = new Database(':memory:');
  for (const m of syncMigrations) m.up(db);
  return new CommandRunner({
    db,
    clock: r.clock,
    logger: createSilentLogger(),
    handlers: ageCheckCommandHandlers({ checkout: r.checkout }),
    currentSession: () => 1,
    isClockSynced: () => true,
  });
}

let n = 0;
const decide = (body: unknown): Command => ({ v: 1, id: `cmd-age-${++n}`, kind: 'age-check.decide', issuedAt: rig.clock.now(), ttlMs: 30_000, body });

/** A sale of one beer waiting for a remote age check. */
function beerWaiting() {
  const s = rig.checkout.begin();
  ok(s.scan(BEER));
  ok(s.checkout(s.view().totalCents));
  const v = ok(s.ageByRemote());
  const req = rig.remoteRequests.at(-1)!;
  return { s, v, checkId: req.checkId };
}

describe('age-check.decide at the point', () => {
  it('an approval for the waiting check moves that sale on to payment and records the operator as evidence', async () => {
    rig = await CheckoutRig.create();
    const runner = commandRunner(rig);
    const { s, v, checkId } = beerWaiting();
    expect(v.remoteAge).toMatchObject({ checkId, status: 'waiting', deadlineAt: Math.trunc(rig.clock.now()) + TIMING.remoteAgeMs });
    expect(rig.events('age-check.requested').at(-1)).toMatchObject({ saleId: s.saleId, checkId, method: 'remote', deadlineAt: v.remoteAge!.deadlineAt });
    const out = await runner.receive(decide({ saleId: s.saleId, checkId, approved: true, operator: 'anna' }));
    expect(out.result).toMatchObject({ status: 'done', result: { decided: true, approved: true, saleState: 'payment' } });
    expect(s.view()).toMatchObject({ state: 'payment', agePassed: true, remoteAge: { status: 'approved' } });
    expect(rig.events('age-check.decided')).toEqual([
      expect.objectContaining({ saleId: s.saleId, checkId, passed: true, operator: 'anna', reason: 'operator-approved' }),
    ]);
  });

  it('a decline ends the sale as age-failed and is shown to the kiosk as declined', async () => {
    rig = await CheckoutRig.create();
    const { s, checkId } = beerWaiting();
    const out = await commandRunner(rig).receive(decide({ saleId: s.saleId, checkId, approved: false, operator: 'anna' }));
    expect(out.result).toMatchObject({ status: 'done', result: { approved: false } });
    expect(s.view()).toMatchObject({ state: 'aborted', endReason: 'age-failed', agePassed: false, remoteAge: { status: 'declined' } });
  });

  it('a decision naming another sale is refused and the check stays open', async () => {
    rig = await CheckoutRig.create();
    const runner = commandRunner(rig);
    const { s, checkId } = beerWaiting();
    const before = rig.ledger.lastSeq();
    const out = await runner.receive(decide({ saleId: 'some-other-sale', checkId, approved: true, operator: 'anna' }));
    expect(out.result).toMatchObject({ status: 'refused', reason: 'age-approval-other-sale' });
    expect(rig.ledger.lastSeq()).toBe(before);
    expect(s.view()).toMatchObject({ state: 'ageCheck', agePassed: false, remoteAge: { status: 'waiting' } });
  });

  it('an approval after the deadline is refused as expired; the customer stays at the age step', async () => {
    rig = await CheckoutRig.create();
    const runner = commandRunner(rig);
    const { s, checkId } = beerWaiting();
    rig.clock.advance(TIMING.remoteAgeMs + 1);
    expect(s.view()).toMatchObject({ state: 'ageCheck', remoteAge: { status: 'expired' } });
    expect(rig.events('age-check.decided')).toEqual([expect.objectContaining({ checkId, passed: false, reason: 'remote-timeout' })]);
    const before = rig.ledger.lastSeq();
    const out = await runner.receive(decide({ saleId: s.saleId, checkId, approved: true, operator: 'anna' }));
    expect(out.result).toMatchObject({ status: 'refused', reason: 'age-approval-expired' });
    expect(rig.ledger.lastSeq()).toBe(before);
    expect(s.view()).toMatchObject({ state: 'ageCheck', agePassed: false });
  });

  it('the same approval sent again under a new command id is refused as replayed and writes nothing', async () => {
    rig = await CheckoutRig.create();
    const runner = commandRunner(rig);
    const { s, checkId } = beerWaiting();
    const body = { saleId: s.saleId, checkId, approved: true, operator: 'anna' };
    expect((await runner.receive(decide(body))).result.status).toBe('done');
    const before = rig.ledger.lastSeq();
    const again = await runner.receive(decide({ ...body, approved: false }));
    expect(again.result).toMatchObject({ status: 'refused', reason: 'age-approval-replayed' });
    expect(rig.ledger.lastSeq()).toBe(before);
    expect(s.view().state).toBe('payment');
  });

  it('an approval after the sale ended (customer cancelled, a new sale began) is refused and does not carry over', async () => {
    rig = await CheckoutRig.create();
    const runner = commandRunner(rig);
    const { s, checkId } = beerWaiting();
    ok(await s.abort());
    const ended = await runner.receive(decide({ saleId: s.saleId, checkId, approved: true, operator: 'anna' }));
    expect(ended.result).toMatchObject({ status: 'refused', reason: 'age-approval-replayed' });
    const next = rig.checkout.begin();
    ok(next.scan(BEER));
    ok(next.checkout(next.view().totalCents));
    const before = rig.ledger.lastSeq();
    const late = await runner.receive(decide({ saleId: s.saleId, checkId, approved: true, operator: 'anna' }));
    expect(late.result).toMatchObject({ status: 'refused', reason: 'age-approval-unknown' });
    expect(rig.ledger.lastSeq()).toBe(before);
    expect(next.view()).toMatchObject({ state: 'ageCheck', agePassed: false });
  });

  it('a malformed body is refused as invalid and changes nothing', async () => {
    rig = await CheckoutRig.create();
    const runner = commandRunner(rig);
    const { s, checkId } = beerWaiting();
    for (const body of [null, { saleId: s.saleId, checkId, approved: 'yes', operator: 'anna' }, { saleId: s.saleId, checkId, approved: true, operator: '' }]) {
      expect((await runner.receive(decide(body))).result).toMatchObject({ status: 'refused', reason: 'invalid-body' });
    }
    expect(s.view()).toMatchObject({ state: 'ageCheck', remoteAge: { status: 'waiting' } });
  });
});
