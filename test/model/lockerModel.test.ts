import { afterEach, describe, expect, it } from 'vitest';
import { transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import { lockerOpenMachine, type LockerOpenEvent, type LockerOpenStateName } from '../../controller/machines/lockers/openMachine.ts';
import { dropOffMachine, type DropOffEvent, type DropOffStateName } from '../../controller/machines/lockers/dropOffMachine.ts';
import type { DropOffSession } from '../../controller/lockers/dropOff.ts';
import { LockerRig } from './lockerRig.ts';

/**
 * Model-based tests: the lockers' machines are the models; the real Lockers service on the
 * Kerong simulator (real driver, real ledger) is the system under test. Each model event is made
 * to happen in the physical world (a board that does not answer, a lock that does not open, a
 * read-back that fails, a door shut, time passing), and after every step the service's state is
 * compared with the model's, and the simulator counts the unlock frames: never two for one request.
 */

const HELD_OPEN_MS = 60_000;
const IDLE_MS = 120_000;
let rig: LockerRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

// ---- one open ---------------------------------------------------------------------------

type OpenSnapshot = SnapshotFrom<typeof lockerOpenMachine>;
const HELD = 'xstate.after.heldOpen.lockerOpen.open';
type OpenModelEvent = LockerOpenEvent | { type: typeof HELD };

function openEvents(s: OpenSnapshot): LockerOpenEvent[] {
  const state = s.value as LockerOpenStateName;
  const ev: OpenModelEvent[] = [];
  if (state === 'opening')
    ev.push({ type: 'OPENED', confirmedBy: 'reply' }, { type: 'NOT_OPENED', reason: 'busy', detail: '' }, { type: 'UNKNOWN', reason: 'timeout', detail: '' });
  if (state === 'verifying') ev.push({ type: 'READ_OPEN' }, { type: 'READ_LATCHED' }, { type: 'READ_FAILED', detail: '' });
  if (state === 'open') ev.push({ type: 'DOOR_CLOSED' }, { type: HELD });
  if (state === 'heldOpen') ev.push({ type: 'DOOR_CLOSED' });
  return ev as LockerOpenEvent[];
}
const openTraversal = {
  input: { compartment: 'A2', requestId: 'model', heldOpenMs: HELD_OPEN_MS },
  events: openEvents,
  serializeState: (s: OpenSnapshot) => JSON.stringify(s.value),
};

/** Arm the simulator for what the path's board-facing events say, before the open is sent. */
function armBoard(r: LockerRig, path: StatePath<OpenSnapshot, LockerOpenEvent>, lock: number): void {
  const types = path.steps.map((s) => s.event.type);
  if (types.includes('NOT_OPENED')) r.kerong.faults.set({ kind: 'busy' }, { when: (c) => c.command === 'unlock' });
  if (types.includes('UNKNOWN')) r.kerong.faults.set({ kind: 'no-reply', execute: false }, { times: Infinity }); // a board that does not answer
  if (types.includes('READ_LATCHED')) r.kerong.jam(lock); // a lock that does not open
  if (types.includes('READ_FAILED')) r.kerong.faults.set({ kind: 'no-reply' }, { times: Infinity, when: (c) => c.command === 'readLock' });
}

async function replayOpen(path: StatePath<OpenSnapshot, LockerOpenEvent>): Promise<void> {
  const r = (rig = await LockerRig.create({ heldOpenMs: HELD_OPEN_MS }));
  const lock = r.lockOf('A2');
  armBoard(r, path, lock);
  const trail: string[] = [];
  let outcome: Promise<unknown> | undefined;
  for (const step of path.steps) {
    const type: string = step.event.type;
    trail.push(type);
    const where = trail.join(' → ');
    const want = step.state.value as LockerOpenStateName;
    if (type === 'xstate.init') {
      outcome = r.lockers.remoteOpen({ compartment: 'A2', operator: 'model', reason: 'model test' }, `cmd-${trail.length}`);
      await r.until(`${where}: open sent`, () => r.kerong.requests('unlock').length === 1 || r.events('locker.not-opened').length > 0);
      continue; // 'opening' is transient in the SUT
    }
    if (type === 'OPENED' || type === 'NOT_OPENED' || type === 'UNKNOWN') {
      await r.run(outcome!);
      // the read-back is part of the same call: OPENED's successor is known only after it
    } else if (type === 'READ_OPEN' || type === 'READ_LATCHED' || type === 'READ_FAILED') {
      await r.run(outcome!);
    } else if (type === 'DOOR_CLOSED') {
      r.kerong.faults.clear();
      await r.closeDoor('A2');
    } else if (type === HELD) {
      r.clock.advance(HELD_OPEN_MS - 200 - 1); // opened at +readBackAfterMs already passed
      expect(r.alarms.active.size, `${where} (early)`).toBe(0);
      await r.until(`${where}: held-open alarm`, () => r.alarms.active.size > 0, 2_000, 10);
    }
    if (want === 'verifying') continue; // transient: the next step checks its successor
    const active = r.lockers.view().find((c) => c.id === 'A2')!;
    if (want === 'open' || want === 'heldOpen') expect(active.status, where).toBe('open');
    if (want === 'closed') expect(active.status, where).not.toBe('open');
    if (want === 'notOpened' || want === 'unknown') {
      expect(active.status, where).toBe('out-of-service');
      expect(r.alarms.active.has('locker.out-of-service:A2'), where).toBe(true);
    }
    expect(r.alarms.active.has('locker.held-open:A2'), `${where}: held-open alarm`).toBe(want === 'heldOpen');
    expect(r.kerong.requests('unlock').length, `${where}: unlock frames`).toBe(1);
  }
  // a second look after everything settled: still one frame, and the ledger tells the outcome
  r.clock.advance(5_000);
  await r.until('quiet', () => true);
  expect(r.kerong.requests('unlock').length, `${trail.join(' → ')}: unlock frames in the end`).toBe(1);
  expect(r.events('locker.open-requested')).toHaveLength(1);
  await r.close();
  rig = undefined;
}

describe('locker open model: one open, read back, out of service or held-open alarm', () => {
  const simple = getSimplePaths(lockerOpenMachine, openTraversal);
  it(`replays all ${simple.length} simple paths against the Kerong simulator`, async () => {
    const reached = new Set(simple.map((p) => p.state.value as string));
    expect([...reached].sort()).toEqual(['closed', 'heldOpen', 'notOpened', 'open', 'opening', 'unknown', 'verifying'].sort());
    for (const p of simple) await replayOpen(p);
  }, 60_000);
});

// ---- the drop-off session -------------------------------------------------------------------

type DropSnapshot = SnapshotFrom<typeof dropOffMachine>;
const IDLE = (s: string) => `xstate.after.idle.dropOff.${s}`;
type DropModelEvent = DropOffEvent | { type: string };

function dropEvents(s: DropSnapshot): DropOffEvent[] {
  const st = s.value as DropOffStateName;
  const ev: DropModelEvent[] = [];
  if (st === 'awaitingCredential') ev.push({ type: 'COURIER', courierId: 'dhl-7' }, { type: 'CANCEL' }, { type: IDLE(st) });
  if (st === 'awaitingReference') ev.push({ type: 'REFERENCE', reference: 'PKG-1' }, { type: 'CANCEL' }, { type: IDLE(st) });
  if (st === 'awaitingSize') ev.push({ type: 'COMPARTMENT', compartment: 'A1' }, { type: 'CANCEL' }, { type: IDLE(st) });
  if (st === 'opening') ev.push({ type: 'OPENED' }, { type: 'OPEN_FAILED' });
  if (st === 'awaitingClose') ev.push({ type: 'DOOR_CLOSED' });
  return ev as DropOffEvent[];
}

function dropPaths(): Array<StatePath<DropSnapshot, DropOffEvent>> {
  const traversal = {
    input: { idleMs: IDLE_MS },
    events: dropEvents,
    serializeState: (s: DropSnapshot) => JSON.stringify([s.value, s.context.deposited > 0, s.context.reference !== null]),
  };
  const out: Array<StatePath<DropSnapshot, DropOffEvent>> = [];
  for (const path of getShortestPaths(dropOffMachine, traversal)) {
    for (const event of dropEvents(path.state)) {
      const [next] = transition(dropOffMachine, path.state, event);
      out.push({ state: next, weight: path.weight + 1, steps: [...path.steps, { event, state: next }] });
    }
  }
  return out;
}

async function replayDropOff(path: StatePath<DropSnapshot, DropOffEvent>): Promise<void> {
  const r = (rig = await LockerRig.create({ idleMs: IDLE_MS }));
  await r.issueCodes(5);
  const s = r.lockers.startDropOff() as DropOffSession;
  const trail: string[] = [];
  let opening: Promise<unknown> | undefined;
  let current: string | null = null;
  let requests = 0;
  for (const [i, step] of path.steps.entries()) {
    const type: string = step.event.type;
    trail.push(type);
    const where = trail.join(' → ');
    if (type === 'COURIER') expect(s.credential(r.token('courier')), where).toMatchObject({ ok: true });
    else if (type === 'REFERENCE') expect(s.reference('PKG-1234'), where).toMatchObject({ ok: true });
    else if (type === 'CANCEL') expect(s.cancel(), where).toMatchObject({ ok: true });
    else if (type === 'COMPARTMENT') {
      const next = path.steps[i + 1]?.event.type;
      const free = r.lockers
        .view()
        .filter((c) => c.size === 'S' && c.status === 'free')
        .map((c) => c.id);
      current = free[0] ?? null;
      if (next === 'OPEN_FAILED' && current) r.kerong.jam(r.lockOf(current)); // the lock will not open
      opening = s.chooseSize('S');
      requests++;
      await r.until(`${where}: unlock sent`, () => r.kerong.requests('unlock').length === requests);
      continue; // 'opening' resolves with the next step
    } else if (type === 'OPENED' || type === 'OPEN_FAILED') {
      const res = (await r.run(opening!)) as { ok: boolean; reason?: string };
      expect(res.ok, where).toBe(type === 'OPENED');
      if (type === 'OPEN_FAILED') {
        expect(res.reason, where).toBe('compartment-failed');
        expect(r.status(current!), where).toBe('out-of-service');
      } else expect(r.status(current!), where).toBe('open');
    } else if (type === 'DOOR_CLOSED') {
      await r.closeDoor(current!);
      expect(r.status(current!), where).toBe('occupied');
      expect(r.events('parcel.deposited').at(-1)!.data, where).toMatchObject({
        compartment: current,
        reference: 'PKG-1234',
        codeId: expect.stringMatching(/^code-/),
      });
    } else if (type.startsWith('xstate.after.idle')) {
      r.clock.advance(IDLE_MS - 1);
      await r.until('settle', () => true);
      expect(s.state(), `${where} (1 ms early)`).toBe(path.steps[i - 1]!.state.value);
      r.clock.advance(1);
    }
    expect(s.state(), where).toBe(step.state.value);
    expect(r.kerong.requests('unlock').length, `${where}: one unlock frame per chosen compartment`).toBe(requests);
    if (step.state.value === 'ended')
      expect(
        r.lockers.view().filter((c) => c.status === 'reserved'),
        `${where}: reservations released`,
      ).toEqual([]);
  }
  await r.close();
  rig = undefined;
}

describe('drop-off model: every transition against the simulated locker bank', () => {
  const paths = dropPaths();
  it(`replays ${paths.length} transition paths`, async () => {
    const reached = new Set(paths.map((p) => p.state.value as string));
    expect([...reached].sort()).toEqual(['awaitingClose', 'awaitingReference', 'awaitingSize', 'ended', 'opening'].sort()); // nothing leads back to awaitingCredential
    for (const p of paths) await replayDropOff(p);
  }, 60_000);
});
