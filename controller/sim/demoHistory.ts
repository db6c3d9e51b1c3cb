/**
 * Demo history for `npm start`'s fleet: on a point's first start (an empty ledger) a few days of
 * what a village point records — visits through the door, card sales, fridge readings (HACCP),
 * parcels dropped by the courier, a door held open and acknowledged, and per scenario a cold-chain
 * incident or parcels waiting — are appended to the point's own ledger through the same `Ledger`
 * API the features use, on a clock set back to when each thing happened. The point then starts on
 * that ledger (its features rebuild their state from it) and its sync sends it all to the
 * backoffice like any backlog, so the dashboard is honest: nothing is written to the backoffice.
 *
 * Deterministic per site id (a seeded generator), so two starts of the same site look alike.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';
import { demoProducts } from '../catalog/demoCatalog.ts';
import { productIdOf } from '../catalog/catalog.ts';
import type { EventType, TypedEvent } from '../contract/events/catalogue.ts';
import { fridgeConfigsFromProfile } from '../fridges/config.ts';
import { Ledger } from '../ledger/index.ts';
import { totals, type SaleLine } from '../machines/checkout/pricing.ts';
import { syncMigrations } from '../sync/migrations.ts';

/** What a point's past looks like: a village shop, a farm shop with a cold-chain incident, a parcel station. */
export type DemoHistoryScenario = 'shop' | 'farm' | 'parcels';
export const DEMO_HISTORY_SCENARIOS: readonly DemoHistoryScenario[] = ['shop', 'farm', 'parcels'];

export interface DemoHistoryOptions {
  siteId: string;
  dataDir: string;
  profile: HardwareProfile;
  scenario: DemoHistoryScenario;
  /** The present (wall ms); history ends a few minutes before it. */
  now: number;
  logger: Logger;
  /** Days of history (default 4). */
  days?: number | undefined;
  /** The first-start seeds (members, catalog, pickup codes) run first, at the start of history. */
  baseSeed: (ledger: Ledger, clock: ManualClock) => Promise<void>;
}

export interface DemoHistoryResult {
  /** False when the ledger already had events (not a first start): nothing was written. */
  seeded: boolean;
  events: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** The demo operator who acknowledged past alarms (as the backoffice's acknowledge would record it). */
const DEMO_OPERATOR = 'demo-operator';

/** A small deterministic generator (mulberry32) seeded by the site id. */
function random(seedText: string): () => number {
  let a = 0;
  for (const ch of seedText) a = (Math.imul(a ^ ch.charCodeAt(0), 0x9e3779b1) + 1) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Timed {
  at: number;
  /** Events written together (one transaction, one `at`), as the feature would. */
  events: Array<TypedEvent | { type: EventType; data: Record<string, unknown> }>;
}

const SCENARIO = {
  shop: { visitsPerDay: 22, salesPerDay: 16, parcelsWaiting: 2 },
  farm: { visitsPerDay: 12, salesPerDay: 9, parcelsWaiting: 1 },
  parcels: { visitsPerDay: 8, salesPerDay: 3, parcelsWaiting: 5 },
} as const;

const MEMBERS = [
  { memberId: 'm-anna', credentialId: 'cred-anna-1', kind: 'token' as const },
  { memberId: 'm-bernd', credentialId: 'cred-bernd-1', kind: 'token' as const },
  { memberId: 'm-dieter', credentialId: 'cred-dieter-1', kind: 'card' as const },
];

/**
 * Append the demo history to the point's ledger in `dataDir` when it is empty; the ledger is
 * closed again before returning (the point opens it next).
 */
export async function seedDemoHistory(o: DemoHistoryOptions): Promise<DemoHistoryResult> {
  const days = o.days ?? 4;
  const start = o.now - days * DAY;
  const clock = new ManualClock(start);
  mkdirSync(o.dataDir, { recursive: true });
  const ledger = Ledger.open({
    path: join(o.dataDir, 'ledger.db'),
    siteId: o.siteId,
    clock,
    logger: o.logger,
    migrations: syncMigrations,
    isClockSynced: () => true,
  });
  try {
    if (ledger.lastSeq() > 0) return { seeded: false, events: 0 };
    await o.baseSeed(ledger, clock);
    const timeline = buildTimeline(o, start, ledger);
    timeline.sort((a, b) => a.at - b.at);
    let events = 0;
    // what happened in the same millisecond (e.g. the fridges' records of one sampling) in one transaction
    for (let i = 0; i < timeline.length;) {
      const at = timeline[i]!.at;
      const batch: Timed['events'] = [];
      for (; i < timeline.length && timeline[i]!.at === at; i++) batch.push(...timeline[i]!.events);
      clock.setWall(Math.max(clock.now(), at));
      ledger.appendMany(batch);
      events += batch.length;
    }
    return { seeded: true, events };
  } finally {
    ledger.close();
  }
}

function buildTimeline(o: DemoHistoryOptions, start: number, ledger: Ledger): Timed[] {
  const rnd = random(o.siteId);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (a: number, b: number): number => a + Math.floor(rnd() * (b - a));
  const end = o.now - 5 * MIN;
  const out: Timed[] = [];
  const s = SCENARIO[o.scenario];
  let grantId = 1;

  // Opening hours of the village: most visits between 07:00 and 20:00 (local time is close enough).
  const dayStarts: number[] = [];
  for (let d = start - (start % DAY); d < end; d += DAY) dayStarts.push(d);
  const busyTime = (day: number): number => day + between(6 * HOUR, 19 * HOUR);

  // Visits: a member presents a credential, the strike releases, the door opens and closes.
  for (const day of dayStarts) {
    for (let i = 0; i < s.visitsPerDay; i++) {
      const at = busyTime(day);
      if (at < start + HOUR || at > end - 10 * MIN) continue;
      const m = pick(MEMBERS);
      const g = grantId++;
      const who = { memberId: m.memberId, credentialId: m.credentialId, role: 'member' as const };
      out.push({
        at,
        events: [
          { type: 'access.decision', data: { kind: m.kind, granted: true, reason: 'granted', doorId: 'main', ...who } },
          { type: 'door.released', data: { by: 'grant', grantId: g, durationMs: 5000 } },
        ],
      });
      out.push({
        at: at + 2_000,
        events: [
          { type: 'door.opened', data: { via: 'grant', grantId: g } },
          { type: 'entry', data: { ...who, grantId: g } },
        ],
      });
      out.push({ at: at + 3_000, events: [{ type: 'door.grant-ended', data: { grantId: g, outcome: 'opened' } }] });
      out.push({ at: at + 9_000, events: [{ type: 'door.closed', data: {} }] });
    }
  }

  // Sales: paid by card on the reader, each with its stock movements.
  const products = demoProducts().filter((p) => p.ageClass === 0 && p.gtin !== null);
  let saleNo = 1;
  for (const day of dayStarts) {
    for (let i = 0; i < s.salesPerDay; i++) {
      const at = busyTime(day);
      if (at < start + HOUR || at > end - 10 * MIN) continue;
      const n = between(1, 4);
      const lines: SaleLine[] = [];
      for (let k = 0; k < n; k++) {
        const p = pick(products);
        const productId = productIdOf(p);
        if (lines.some((l) => l.productId === productId)) continue;
        lines.push({
          productId,
          name: p.name,
          quantity: between(1, 3),
          unitCents: p.priceCents,
          vatRate: p.vatRate,
          depositCents: p.depositCents,
          ageClass: p.ageClass,
        });
      }
      const { totalCents, vat, requiredAge } = totals(lines);
      const saleId = `demo-${o.siteId}-${saleNo++}`;
      const paymentId = `${saleId}-pay`;
      const ref = `pi_demo_${saleId.replace(/[^A-Za-z0-9]/g, '')}`;
      out.push({ at, events: [{ type: 'sale.cart-fixed', data: { saleId, lines, totalCents, vat, requiredAge } }] });
      out.push({
        at: at + 1_000,
        events: [{ type: 'payment.started', data: { saleId, paymentId, provider: 'stripe-terminal', memberId: null, amountCents: totalCents } }],
      });
      out.push({ at: at + 2_000, events: [{ type: 'payment.pending', data: { saleId, paymentId, ref } }] });
      out.push({
        at: at + 9_000,
        events: [
          { type: 'payment.authorised', data: { saleId, paymentId, ref, amountCents: totalCents, card: { brand: 'visa', last4: '4242' } } },
          { type: 'payment.captured', data: { saleId, paymentId, ref, amountCents: totalCents } },
        ],
      });
      out.push({
        at: at + 10_000,
        events: [
          ...lines.map((l): TypedEvent => ({ type: 'stock.moved', data: { saleId, productId: l.productId, quantity: -l.quantity } })),
          { type: 'sale.committed', data: { saleId, paymentId, totalCents, reconciled: true } },
        ],
      });
      out.push({ at: at + 11_000, events: [{ type: 'sale.receipt-issued', data: { saleId, totalCents } }] });
    }
  }

  out.push(...fridgeHistory(o, start, end, rnd));
  out.push(...parcelHistory(o, start, end, ledger, s.parcelsWaiting));

  // A door held open one afternoon, acknowledged by the operator, cleared when it closed.
  const heldAt = dayStarts[dayStarts.length - 2]! + 15 * HOUR + 20 * MIN;
  if (heldAt > start + HOUR && heldAt < end) {
    const g = grantId++;
    out.push({ at: heldAt, events: [{ type: 'door.released', data: { by: 'grant', grantId: g, durationMs: 5000 } }] });
    out.push({ at: heldAt + 2_000, events: [{ type: 'door.opened', data: { via: 'grant', grantId: g } }] });
    out.push({
      at: heldAt + 122_000,
      events: [
        { type: 'alarm.held-open', data: { openForMs: 120_000 } },
        {
          type: 'alarm.raised',
          data: {
            key: 'door:held-open',
            source: 'door',
            kind: 'held-open',
            severity: 'warning',
            reason: 'door held open longer than 120 s',
            since: heldAt + 122_000,
          },
        },
      ],
    });
    out.push({
      at: heldAt + 240_000,
      events: [{ type: 'alarm.acknowledged', data: { key: 'door:held-open', by: DEMO_OPERATOR, note: 'Lieferant lädt aus' } }],
    });
    out.push({
      at: heldAt + 420_000,
      events: [
        { type: 'door.closed', data: {} },
        { type: 'alarm.cleared', data: { alarm: 'held-open', cause: 'closed' } },
        { type: 'alarm.cleared', data: { v: 2, key: 'door:held-open', reason: 'door closed' } },
      ],
    });
  }
  return out;
}

/**
 * Readings every 5 min (the profile's sampling), six to a record, at each fridge's usual level.
 * The farm shop's dairy fridge was warm one night: above its limit, alarmed, blocked (cold chain
 * broken: its products stay blocked until someone records a corrective action), back to normal.
 */
function fridgeHistory(o: DemoHistoryOptions, start: number, end: number, rnd: () => number): Timed[] {
  if (!o.profile.fridges) return [];
  const section = o.profile.fridges;
  const out: Timed[] = [];
  const every = section.samplingMs;
  const perRecord = section.readingsPerRecord;
  for (const cfg of fridgeConfigsFromProfile(section)) {
    const normal = cfg.limitTenths - (cfg.limitTenths < 0 ? 35 : 25);
    const incident = o.scenario === 'farm' && cfg.id === section.units[0]!.id ? { from: end - 20 * HOUR, to: end - 17 * HOUR } : null;
    const warm = (at: number): boolean => incident !== null && at >= incident.from && at < incident.to;
    const level = (at: number): number =>
      warm(at) ? cfg.limitTenths + 18 + Math.floor(rnd() * 6) : normal + Math.floor(rnd() * 7) - 3 + (Math.floor(at / HOUR) % 6 === 0 ? 4 : 0);
    let batch: { firstAt: number; offsetsMs: number[]; tenths: number[] } | null = null;
    const flush = (): void => {
      if (!batch) return;
      out.push({
        at: batch.firstAt + (batch.offsetsMs[batch.offsetsMs.length - 1] ?? 0),
        events: [{ type: 'fridge.readings', data: { fridgeId: cfg.id, ...batch } }],
      });
      batch = null;
    };
    let wasWarm = false;
    for (let at = start + every - (start % every); at <= end; at += every) {
      const tenths = level(at);
      const isWarm = warm(at);
      if (isWarm !== wasWarm) {
        flush();
        out.push({
          at,
          events: [
            {
              type: 'fridge.crossed',
              data: { fridgeId: cfg.id, direction: isWarm ? 'above' : 'below', readAt: at, tenths, limitTenths: cfg.limitTenths, inDefrost: false },
            },
          ],
        });
        if (!isWarm) {
          out.push({
            at: at + 1,
            events: [{ type: 'alarm.cleared', data: { v: 2, key: `fridge:${cfg.id}:temperature`, reason: `${cfg.name}: back at or below the limit` } }],
          });
        }
        wasWarm = isWarm;
      }
      batch ??= { firstAt: at, offsetsMs: [], tenths: [] };
      batch.offsetsMs.push(at - batch.firstAt);
      batch.tenths.push(tenths);
      if (batch.tenths.length >= perRecord) flush();
    }
    flush();
    if (incident) {
      const key = (what: string): string => `fridge:${cfg.id}:${what}`;
      const alarmAt = incident.from + section.alarmAfterMs;
      const blockAt = incident.from + section.blockAfterMs;
      const t = (c: number): string => `${(c / 10).toFixed(1)} °C`;
      out.push({
        at: alarmAt,
        events: [
          {
            type: 'alarm.raised',
            data: {
              key: key('temperature'),
              source: 'fridge',
              kind: 'temperature',
              severity: 'critical',
              reason: `${cfg.name}: above ${t(cfg.limitTenths)} for ${Math.round(section.alarmAfterMs / MIN)} min`,
              since: incident.from,
              detail: { fridgeId: cfg.id, tenths: cfg.limitTenths + 20, limitTenths: cfg.limitTenths },
            },
          },
        ],
      });
      out.push({
        at: alarmAt + 25 * MIN,
        events: [{ type: 'alarm.acknowledged', data: { key: key('temperature'), by: DEMO_OPERATOR, note: 'Techniker informiert' } }],
      });
      out.push({
        at: blockAt,
        events: [
          {
            type: 'fridge.blocked',
            data: { fridgeId: cfg.id, cause: 'breach', since: incident.from, readAt: blockAt, tenths: cfg.limitTenths + 21, limitTenths: cfg.limitTenths },
          },
          {
            type: 'alarm.raised',
            data: {
              key: key('blocked'),
              source: 'fridge',
              kind: 'cold-chain-blocked',
              severity: 'critical',
              reason: `${cfg.name}: products blocked until a corrective action (above the limit for too long, ${t(cfg.limitTenths + 21)} > ${t(cfg.limitTenths)})`,
              since: incident.from,
              detail: { fridgeId: cfg.id, cause: 'breach' },
            },
          },
        ],
      });
    }
  }
  return out;
}

/**
 * The courier's drop-offs: a compartment reserved, opened, the parcel deposited with the next pool
 * code, the door closed. One parcel was collected with its code; `waiting` are still there.
 */
function parcelHistory(o: DemoHistoryOptions, start: number, end: number, ledger: Ledger, waiting: number): Timed[] {
  const codes = ledger
    .recentOfTypes(['pickup-code.issued'], 50)
    .map((e) => String(e.data['codeId']))
    .reverse();
  const compartments = o.profile.boards?.compartments ?? [];
  const out: Timed[] = [];
  const count = Math.min(waiting + 1, codes.length, compartments.length);
  for (let i = 0; i < count; i++) {
    const c = compartments[i]!;
    const at = start + 6 * HOUR + i * Math.floor((end - start - 12 * HOUR) / Math.max(1, count));
    const where = { compartment: c.id, board: c.board, lock: c.lock };
    const parcelId = `demo-parcel-${o.siteId}-${i + 1}`;
    const requestId = `${parcelId}-open`;
    const sessionId = `${parcelId}-drop`;
    out.push({ at, events: [{ type: 'compartment.reserved', data: { compartment: c.id, size: c.size, requested: c.size, sessionId } }] });
    out.push({ at: at + 1_000, events: [{ type: 'locker.open-requested', data: { ...where, requestId, purpose: 'drop-off' } }] });
    out.push({ at: at + 1_300, events: [{ type: 'locker.opened', data: { ...where, confirmedBy: 'reply', detail: 'confirmed by reply', requestId } }] });
    out.push({
      at: at + 30_000,
      events: [
        {
          type: 'parcel.deposited',
          data: {
            parcelId,
            reference: `DE${(400_000_000 + i * 7_919).toString()}`,
            compartment: c.id,
            size: c.size,
            codeId: codes[i]!,
            courierId: 'c-paket',
            credentialId: 'cred-paket-1',
            depositedAt: at + 30_000,
          },
        },
      ],
    });
    out.push({ at: at + 35_000, events: [{ type: 'locker.closed', data: { compartment: c.id, requestId, openMs: 34_000 } }] });
    if (i === 0) {
      // the first parcel was fetched the next morning with its code
      const fetchAt = at + 20 * HOUR;
      const pickupId = `${parcelId}-pickup`;
      out.push({ at: fetchAt, events: [{ type: 'locker.open-requested', data: { ...where, requestId: pickupId, purpose: 'pickup' } }] });
      out.push({
        at: fetchAt + 300,
        events: [
          { type: 'locker.opened', data: { ...where, confirmedBy: 'reply', detail: 'confirmed by reply', requestId: pickupId } },
          { type: 'parcel.collected', data: { parcelId, compartment: c.id, codeId: codes[i]!, via: 'keypad' } },
        ],
      });
      out.push({
        at: fetchAt + 20_000,
        events: [
          { type: 'locker.closed', data: { compartment: c.id, requestId: pickupId, openMs: 19_700 } },
          { type: 'compartment.freed', data: { compartment: c.id, reason: 'collected' } },
        ],
      });
    }
  }
  return out;
}
