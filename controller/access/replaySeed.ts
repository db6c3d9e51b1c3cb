/**
 * Rebuilds the replay window (D8) from the ledger at start, so a credential granted seconds
 * before a crash or a power cut is still refused as `replayed` after the restart.
 *
 * A granted `access.decision` records the monotonic time of the grant and the boot it was
 * measured in (`replay: {bootId, mono}`). Reading the recent decisions newest first:
 *  - same boot as now (a crash and restart): the grant's age is exact, `now.mono - mono`;
 *  - an earlier boot (a reboot, a power cut): how long the point was off is unknown. Monotonic
 *    time counts from boot, so at least `now.mono` has passed since that boot ended, and it ended
 *    no earlier than its newest recorded grant: age >= (newest grant's mono - mono) + now.mono.
 *    The grant is aged by exactly that lower bound — never younger than it could be, so never
 *    let in too early. Only the boot immediately before the current one can matter.
 *  - an `entry.granted-not-used` after the grant lifted the window (the door was never opened).
 * Events of older software without `replay` are skipped (nothing to age them by).
 */
export interface ReplayEventView {
  type: string;
  data: Record<string, unknown>;
}

export interface ReplayStamp {
  bootId: string;
  mono: number;
}

export const REPLAY_EVENT_TYPES = ['access.decision', 'entry.granted-not-used'] as const;

export function replaySeedFrom(
  newestFirst: Iterable<ReplayEventView>,
  now: ReplayStamp,
  windowMs: number,
): Array<{ credentialId: string; remainingMs: number }> {
  const resolved = new Set<string>();
  const seeds: Array<{ credentialId: string; remainingMs: number }> = [];
  let previousBoot: { bootId: string; endMono: number } | undefined;
  for (const e of newestFirst) {
    const credentialId = e.data['credentialId'];
    if (typeof credentialId !== 'string') continue;
    if (e.type === 'entry.granted-not-used') {
      resolved.add(credentialId);
      continue;
    }
    if (e.type !== 'access.decision' || e.data['granted'] !== true) continue;
    const stamp = stampOf(e.data['replay']);
    if (!stamp) continue;
    let age: number;
    if (stamp.bootId === now.bootId) {
      age = now.mono - stamp.mono;
    } else {
      previousBoot ??= { bootId: stamp.bootId, endMono: stamp.mono };
      if (stamp.bootId !== previousBoot.bootId) break;
      age = previousBoot.endMono - stamp.mono + now.mono;
    }
    // Ages only grow from here on (newest first; an earlier boot's grants are older than now.mono).
    if (age >= windowMs) break;
    if (resolved.has(credentialId)) continue;
    resolved.add(credentialId);
    seeds.push({ credentialId, remainingMs: Math.ceil(windowMs - Math.max(0, age)) });
  }
  return seeds;
}

function stampOf(v: unknown): ReplayStamp | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { bootId, mono } = v as { bootId?: unknown; mono?: unknown };
  return typeof bootId === 'string' && typeof mono === 'number' && Number.isFinite(mono) ? { bootId, mono } : undefined;
}
