/**
 * Helpers for the read-model tests: typed catalogue events (a payload that does not match the
 * catalogue does not compile), batches, a seeded random event stream over several sites, and a
 * dump of every read-model table.
 */
import type { Kysely } from 'kysely';
import type { EventPayload, EventType } from '../../controller/contract/events/index.ts';
import type { EventBatch, SyncEvent } from '../../controller/contract/sync/index.ts';
import type { DB } from '../../backoffice/db/schema.ts';
import { PROJECTION_TABLES } from '../../backoffice/projections/projections.ts';

/** An event as the point writes it: `ev(seq, at, 'door.closed', {})`. */
export function ev<T extends EventType>(seq: number, at: number, type: T, data: EventPayload<T>): SyncEvent {
  return { seq, type, at, clockSynced: true, data: data as unknown as Record<string, unknown>, hash: `h-${seq}-${type}` };
}

/** An event that does not decode (ingest stores and flags it). */
export function badEv(seq: number, at: number, type: string, data: Record<string, unknown>): SyncEvent {
  return { seq, type, at, clockSynced: true, data, hash: `h-${seq}-${type}` };
}

export const batchOf = (siteId: string, events: SyncEvent[], session = 1): EventBatch => ({ v: 1, siteId, session, events });

/** Numeric columns (PostgreSQL returns bigint as text). */
const NUMERIC = new Set([
  'seq',
  'since',
  'raised_at',
  'acked_at',
  'cleared_at',
  'changed_at',
  'fire',
  'faulted',
  'tenths',
  'read_at',
  'above',
  'limit_tenths',
  'blocked',
  'blocked_since',
  'uncollected',
  'in_service',
  'age_verified',
  'updated_at',
  'expires_at',
  'at',
  'answered_at',
  'required_age',
  'requested_at',
  'deadline_at',
  'decided_at',
  'total_cents',
  'fixed_at',
  'committed_seq',
  'committed_at',
  'receipt_at',
  'configured',
  'count',
]);

export type Dump = Record<(typeof PROJECTION_TABLES)[number], Record<string, unknown>[]>;

/** Every read-model table, rows in primary-key order, numbers as numbers. */
export async function dumpProjections(db: Kysely<DB>): Promise<Dump> {
  const out = {} as Dump;
  for (const t of PROJECTION_TABLES) {
    const rows = (await db.selectFrom(t).selectAll().execute()) as unknown as Record<string, unknown>[];
    const norm = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, NUMERIC.has(k) && v !== null ? Number(v) : v])));
    norm.sort((a, b) => {
      const ka = JSON.stringify(Object.values(a).slice(0, 2));
      const kb = JSON.stringify(Object.values(b).slice(0, 2));
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    out[t] = norm;
  }
  return out;
}

/** Seeded LCG so a failure names a reproducible case. */
export function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/**
 * One random event of a projected (or unprojected, or flagged) type. Keys, fridges and
 * compartments come from small sets so events of one subject interleave (raise, ack, clear,
 * raise again), which makes the result depend on their order.
 */
export function randomEvent(r: () => number, seq: number, at: number): SyncEvent {
  const key = pick(r, ['fridge:k1:temperature', 'locker:A1:held-open', 'access:pin:brute-force']);
  const fridgeId = pick(r, ['k1', 'k2']);
  const compartment = pick(r, ['A1', 'A2', 'B1']);
  const credentialId = pick(r, ['c1', 'c2', 'c3']);
  const checkId = pick(r, ['ac1', 'ac2', 'ac3']);
  const saleId = pick(r, ['sale1', 'sale2']);
  const kinds: (() => SyncEvent)[] = [
    () =>
      ev(seq, at, 'alarm.raised', {
        key,
        source: 'fridge',
        kind: 'temperature',
        severity: pick(r, ['critical', 'warning', 'info'] as const),
        reason: `raised at ${seq}`,
        since: at - 1000,
      }),
    () => ev(seq, at, 'alarm.acknowledged', { key, by: pick(r, ['anna', 'ben']) }),
    () => ev(seq, at, 'alarm.cleared', { v: 2, key, reason: `cleared at ${seq}` }),
    () => ev(seq, at, 'alarm.held-open', { openForMs: 60_000 }),
    () => ev(seq, at, 'alarm.forced-open', {}),
    () => ({ ...ev(seq, at, 'alarm.cleared', { v: 2, key: 'x', reason: 'x' }), data: { alarm: pick(r, ['held-open', 'forced-open']), cause: 'closed' } }),
    () => ev(seq, at, 'alarm.fire', {}),
    () => ev(seq, at, 'alarm.fire-cleared', {}),
    () => ev(seq, at, 'door.opened', { via: 'grant', grantId: seq }),
    () => ev(seq, at, 'door.closed', {}),
    () => ev(seq, at, 'fridge.readings', { fridgeId, firstAt: at - 60_000, offsetsMs: [0, 30_000, 60_000], tenths: [40, 41, Math.floor(r() * 120)] }),
    () =>
      ev(seq, at, 'fridge.crossed', { fridgeId, direction: pick(r, ['above', 'below'] as const), readAt: at, tenths: 85, limitTenths: 70, inDefrost: false }),
    () => ev(seq, at, 'fridge.blocked', { fridgeId, cause: 'breach', since: at - 7_200_000, readAt: at, tenths: 90, limitTenths: 70 }),
    () => ev(seq, at, 'fridge.corrective-action', { fridgeId, actionId: `a${seq}`, by: 'anna', note: 'discarded', lifted: r() < 0.7 }),
    () => ev(seq, at, 'compartment.reserved', { compartment, size: 'M', requested: 'S', sessionId: `s${seq}` }),
    () =>
      ev(seq, at, 'parcel.deposited', {
        parcelId: `p${seq}`,
        reference: `ref${seq}`,
        compartment,
        size: 'M',
        codeId: `code${seq}`,
        courierId: 'dhl',
        credentialId: 'cc',
        depositedAt: at,
      }),
    () => ev(seq, at, 'parcel.collected', { parcelId: `p${seq}`, compartment, codeId: 'code', via: 'keypad' }),
    () => ev(seq, at, 'compartment.freed', { compartment, reason: 'collected' }),
    () => ev(seq, at, 'compartment.out-of-service', { compartment, reason: 'not-opened', detail: '' }),
    () => ev(seq, at, 'compartment.back-in-service', { compartment, operator: 'ben' }),
    () => ev(seq, at, 'parcel.uncollected', { parcelId: `p${seq}`, compartment, days: 3, depositedAt: at - 3 * 86_400_000 }),
    // the point's equipment: a random subset of the compartments and fridges (so some drop out again)
    () =>
      ev(seq, at, 'locker.configured', {
        compartments: ['A1', 'A2', 'B1', 'B2']
          .filter(() => r() < 0.7)
          .map((c, i) => ({ compartment: c, size: pick(r, ['S', 'M', 'L'] as const), board: 'bank-1', lock: i + 1 })),
      }),
    () =>
      ev(seq, at, 'fridge.configured', {
        fridges: ['k1', 'k2', 'k3']
          .filter(() => r() < 0.7)
          .map((f) => ({
            fridgeId: f,
            name: `Kühlung ${f}`,
            productGroup: 'dairy',
            limitTenths: pick(r, [60, 70, 80]),
            hysteresisTenths: 5,
            alarmAfterMs: 1_800_000,
            blockAfterMs: 7_200_000,
            defrost: [],
          })),
      }),
    () => ev(seq, at, 'member.upserted', { memberId: pick(r, ['m1', 'm2']), name: `Name ${seq}`, role: 'member', ageVerified: r() < 0.5 }),
    () =>
      ev(seq, at, 'credential.issued', {
        credentialId,
        memberId: 'm1',
        kind: 'token',
        role: 'member',
        ageVerified: false,
        expiresAt: r() < 0.5 ? null : at + 86_400_000,
      }),
    () => ev(seq, at, 'credential.revoked', { credentialId, reason: `lost ${seq}` }),
    // help requests and remote age checks (help answered by a door release; checks decided, expired or ended with their sale)
    () => ev(seq, at, 'help.requested', { at, screen: pick(r, ['help', 'welcome', 'pickup']) }),
    () => ev(seq, at, 'door.remote-release', { commandId: `cmd${seq}`, operator: pick(r, ['anna', 'ben']), note: null }),
    () =>
      ev(seq, at, 'age-check.requested', {
        saleId,
        checkId,
        method: pick(r, ['remote', 'remote', 'member-pin'] as const),
        requiredAge: 18,
        deadlineAt: at + 90_000,
      }),
    () =>
      ev(seq, at, 'age-check.decided', {
        saleId,
        checkId,
        method: 'remote',
        passed: r() < 0.5,
        reason: pick(r, ['operator-approved', 'operator-declined', 'remote-timeout']),
        memberId: null,
        operator: 'anna',
        decidedAt: at,
      }),
    () => ev(seq, at, 'sale.aborted', { saleId, reason: 'customer' }),
    () => ev(seq, at, 'hardware.status', { kind: 'board', id: 'b1', name: 'Board', status: 'ok', previous: null }),
    () =>
      ev(seq, at, 'phone-pay.requested', {
        paymentId: pick(r, ['p1', 'p2']),
        saleId: `s${seq}`,
        amountCents: 500 + seq,
        lines: [{ name: 'Brot', unitCents: 500 + seq, quantity: 1 }],
      }),
    () => ev(seq, at, 'phone-pay.cancel-requested', { paymentId: pick(r, ['p1', 'p2']), saleId: 's' }),
    () => ev(seq, at, 'phone-pay.refund-requested', { paymentId: pick(r, ['p1', 'p2']), saleId: 's', amountCents: 500 }),
    () =>
      ev(seq, at, 'sale.cart-fixed', {
        saleId,
        lines: [{ productId: '04001234000604', name: 'Milch', quantity: 1 + Math.floor(r() * 3), unitCents: 129, vatRate: 7, depositCents: 0, ageClass: 0 }],
        totalCents: 129,
        vat: [{ rate: 7, netCents: 121, vatCents: 8, grossCents: 129 }],
        requiredAge: 0,
      }),
    () =>
      ev(seq, at, 'payment.started', {
        saleId,
        paymentId: `pay${seq}`,
        provider: pick(r, ['stripe-terminal', 'member-account']),
        memberId: null,
        amountCents: 129,
      }),
    () => ev(seq, at, 'sale.committed', { saleId, paymentId: `pay${seq}`, totalCents: 129, reconciled: r() < 0.2 }),
    () => ev(seq, at, 'sale.aborted', { saleId, reason: 'customer' }),
    () =>
      ev(seq, at, 'sale.receipt-issued', {
        saleId,
        totalCents: 129,
        receiptToken: `tok${seq}`.padEnd(22, 'x'),
        payment: 'card',
        ledgerSeq: Math.max(1, seq - 1),
      }),
    // flagged: wrong payload of a projected type, and an unknown type
    () => badEv(seq, at, 'alarm.raised', { key, source: 'fridge', kind: 'temperature', severity: 'bogus', reason: 'flagged', since: at }),
    () => badEv(seq, at, 'alarm.cleared', { v: 3, key, reason: 'from the future' }),
  ];
  return pick(r, kinds)();
}
