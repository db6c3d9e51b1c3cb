import { KERONG_LIMITS } from '../../firmware-bridge/kerong/commands.ts';
import { KerongRangeError, type OpenResult } from '../../firmware-bridge/kerong/board.ts';
import type { CompartmentConfig } from '../profile/boardsSchema.ts';
import type { KerongHandle } from './boardHandles.ts';

export interface CompartmentState {
  id: string;
  board: string;
  lock: number;
  size: 'S' | 'M' | 'L';
  /** latch closed (door shut and locked); null until the board was read */
  latched: boolean | null;
  /** infrared: something inside; null until the board was read */
  occupied: boolean | null;
}

/** The driver's truth about one open, or a refusal before any byte was sent. */
export type CompartmentOpenResult = (OpenResult & { compartment: string }) | { result: 'refused'; compartment: string; detail: string };

export type CompartmentReadResult = { ok: true; latched: boolean; occupied: boolean } | { ok: false; reason: string; detail: string };

/**
 * Locker compartments mapped to lock boards. An open goes to the driver exactly once: the
 * driver already reads the lock back after an unanswered open, so a retry here could open a
 * door twice. A second open of the same compartment while one is in flight is refused.
 */
export class Lockers {
  private readonly byId = new Map<string, { config: CompartmentConfig; handle: KerongHandle }>();
  private readonly opening = new Set<string>();

  constructor(compartments: readonly CompartmentConfig[], boards: ReadonlyMap<string, KerongHandle>) {
    for (const c of compartments) {
      const handle = boards.get(c.board);
      if (!handle) throw new RangeError(`compartment ${c.id}: board "${c.board}" is not a lock board of this point`);
      if (!Number.isInteger(c.lock) || c.lock < KERONG_LIMITS.minLock || c.lock > handle.locks) {
        throw new KerongRangeError(`compartment ${c.id}: lock ${c.lock} out of range: board "${c.board}" has locks ${KERONG_LIMITS.minLock}..${handle.locks}`);
      }
      if (this.byId.has(c.id)) throw new RangeError(`duplicate compartment ${c.id}`);
      this.byId.set(c.id, { config: c, handle });
    }
  }

  compartments(): CompartmentState[] {
    return [...this.byId.values()].map(({ config, handle }) => {
      const s = handle.state(config.lock);
      return { id: config.id, board: config.board, lock: config.lock, size: config.size, latched: s?.latched ?? null, occupied: s?.occupied ?? null };
    });
  }

  /** Read one compartment's lock now (read-back after an open). Unknown ids are refused. */
  async read(id: string): Promise<CompartmentReadResult> {
    const entry = this.byId.get(id);
    if (!entry) return { ok: false, reason: 'refused', detail: `unknown compartment "${id}"` };
    const r = await entry.handle.read(entry.config.lock);
    return r.ok ? { ok: true, latched: r.value.latched, occupied: r.value.occupied } : { ok: false, reason: r.reason, detail: r.detail };
  }

  async open(id: unknown): Promise<CompartmentOpenResult> {
    const compartment = typeof id === 'string' ? id : String(id);
    const entry = typeof id === 'string' ? this.byId.get(id) : undefined;
    if (!entry) {
      const known = [...this.byId.keys()];
      return {
        result: 'refused',
        compartment,
        detail: `unknown compartment "${compartment}" (this point has ${known.length > 0 ? known.join(', ') : 'no compartments'})`,
      };
    }
    if (this.opening.has(compartment)) return { result: 'refused', compartment, detail: `compartment ${compartment} is already being opened` };
    this.opening.add(compartment);
    try {
      return { ...(await entry.handle.open(entry.config.lock)), compartment };
    } catch (err) {
      if (err instanceof KerongRangeError) return { result: 'refused', compartment, detail: err.message };
      throw err;
    } finally {
      this.opening.delete(compartment);
    }
  }
}
