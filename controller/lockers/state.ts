/**
 * The lockers' state, folded from ledger events (rebuilt at every start: the ledger is the
 * truth). Pure: no I/O, no clock. Events naming a compartment the profile no longer has are
 * skipped (and counted), never a crash.
 */
import type { CompartmentConfig } from '../../hardware/profile/boardsSchema.ts';
import type { LockerPayloads } from '../contract/events/lockers.ts';

export type Size = 'S' | 'M' | 'L';
export const SIZES: readonly Size[] = ['S', 'M', 'L'];

export type CompartmentStatus = 'free' | 'reserved' | 'occupied' | 'open' | 'out-of-service';

export interface CompartmentRecord {
  id: string;
  size: Size;
  board: string;
  lock: number;
  status: CompartmentStatus;
  parcelId: string | null;
  sessionId: string | null;
  outOfServiceReason: string | null;
}

export interface CodeRecord {
  codeId: string;
  slot: number;
  salt: string;
  hash: string;
  scryptN: number;
  validFrom: number;
  validUntil: number;
  /** ledger seq of its issue: the pool hands codes out oldest first */
  issuedSeq: number;
  parcelId: string | null;
  used: boolean;
}

export interface ParcelRecord {
  parcelId: string;
  compartment: string;
  codeId: string;
  depositedAt: number;
  kind: 'parcel' | 'order';
  flaggedUncollected: boolean;
}

/** Event types the state is folded from. */
export const STATE_EVENT_TYPES = [
  'compartment.reserved',
  'compartment.released',
  'compartment.freed',
  'compartment.out-of-service',
  'compartment.back-in-service',
  'pickup-code.issued',
  'parcel.deposited',
  'order.packed',
  'parcel.collected',
  'parcel.taken-back',
  'parcel.uncollected',
] as const;

export class LockerState {
  readonly compartments = new Map<string, CompartmentRecord>();
  /** live code per slot */
  readonly codes = new Map<number, CodeRecord>();
  readonly parcels = new Map<string, ParcelRecord>();
  skipped = 0;

  constructor(config: readonly CompartmentConfig[]) {
    for (const c of config) {
      this.compartments.set(c.id, {
        id: c.id,
        size: c.size,
        board: c.board,
        lock: c.lock,
        status: 'free',
        parcelId: null,
        sessionId: null,
        outOfServiceReason: null,
      });
    }
  }

  codeById(codeId: string): CodeRecord | undefined {
    for (const c of this.codes.values()) if (c.codeId === codeId) return c;
    return undefined;
  }

  apply(type: string, data: Record<string, unknown>, seq: number): void {
    const c = typeof data['compartment'] === 'string' ? this.compartments.get(data['compartment']) : undefined;
    const needsCompartment = type !== 'pickup-code.issued' && type !== 'parcel.uncollected';
    if (needsCompartment && !c) {
      this.skipped++;
      return;
    }
    switch (type) {
      case 'compartment.reserved': {
        const d = data as LockerPayloads['compartment.reserved'];
        Object.assign(c!, { status: 'reserved', sessionId: d.sessionId });
        return;
      }
      case 'compartment.released':
        if (c!.status === 'reserved' || c!.status === 'open') Object.assign(c!, { status: 'free', sessionId: null });
        return;
      case 'compartment.freed':
        Object.assign(c!, { status: 'free', parcelId: null, sessionId: null });
        return;
      case 'compartment.out-of-service':
        Object.assign(c!, { status: 'out-of-service', sessionId: null, outOfServiceReason: String(data['reason']) });
        return;
      case 'compartment.back-in-service':
        Object.assign(c!, { status: c!.parcelId ? 'occupied' : 'free', outOfServiceReason: null });
        return;
      case 'pickup-code.issued': {
        const d = data as LockerPayloads['pickup-code.issued'];
        this.codes.set(d.slot, { ...d, issuedSeq: seq, parcelId: null, used: false });
        return;
      }
      case 'parcel.deposited':
      case 'order.packed': {
        const d = data as { parcelId: string; codeId: string; compartment: string; depositedAt?: number; packedAt?: number };
        Object.assign(c!, { status: 'occupied', parcelId: d.parcelId, sessionId: null });
        const at = d.depositedAt ?? d.packedAt ?? 0;
        this.parcels.set(d.parcelId, {
          parcelId: d.parcelId,
          compartment: c!.id,
          codeId: d.codeId,
          depositedAt: at,
          kind: type === 'order.packed' ? 'order' : 'parcel',
          flaggedUncollected: false,
        });
        const code = this.codeById(d.codeId);
        if (code) code.parcelId = d.parcelId;
        return;
      }
      case 'parcel.collected':
      case 'parcel.taken-back': {
        const parcelId = String(data['parcelId']);
        const p = this.parcels.get(parcelId);
        if (p) {
          const code = this.codeById(p.codeId);
          if (code) code.used = true;
          this.parcels.delete(parcelId);
        }
        // the door is open now; `compartment.freed` follows when it is seen closed
        Object.assign(c!, { status: c!.status === 'out-of-service' ? 'out-of-service' : 'open', parcelId: null });
        return;
      }
      case 'parcel.uncollected': {
        const p = this.parcels.get(String(data['parcelId']));
        if (p) p.flaggedUncollected = true;
        return;
      }
      default:
        this.skipped++;
    }
  }

  /** Free compartments per size. */
  freeCount(): Record<Size, number> {
    const n: Record<Size, number> = { S: 0, M: 0, L: 0 };
    for (const c of this.compartments.values()) if (c.status === 'free') n[c.size]++;
    return n;
  }

  /** Best fit: the smallest size >= requested with a free compartment (S→M→L), lowest id first. */
  bestFit(requested: Size): CompartmentRecord | undefined {
    for (const size of SIZES.slice(SIZES.indexOf(requested))) {
      const free = [...this.compartments.values()]
        .filter((c) => c.size === size && c.status === 'free')
        .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
      if (free[0]) return free[0];
    }
    return undefined;
  }

  /** The next pool code to hand out at a drop-off: unassigned, unused, valid now, oldest issued first. */
  nextCode(now: number): CodeRecord | undefined {
    let best: CodeRecord | undefined;
    for (const c of this.codes.values()) {
      if (c.used || c.parcelId !== null || now < c.validFrom || now >= c.validUntil) continue;
      if (!best || c.issuedSeq < best.issuedSeq) best = c;
    }
    return best;
  }
}
