import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { DigitalInput, DigitalOutput, TemperatureProbe, TemperatureReading, Unwatch } from '../../hardware/ports.ts';
import type { ZonedTime } from '../access/berlinTime.ts';
import type { AlarmSink } from '../alarms/alarms.ts';
import type { FridgePayloads } from '../contract/events/fridges.ts';
import type { ChangeEvent, ChangeEventMapper } from '../sync/changeApplier.ts';
import { defrostChecker, type FridgeConfig } from './config.ts';
import { reportFridgeConfiguration } from './configurationReport.ts';
import { correctiveActionEvents } from './correctiveAction.ts';
import { initialHaccpState, step, type HaccpConfig, type HaccpEffect, type HaccpInput, type HaccpState } from './haccp.ts';
import { formatTenths } from './plausibility.ts';
import { rebuildFridges, type BlockInfo, type FridgeLedgerReader } from './rebuild.ts';

/**
 * The fridges feature: samples every fridge's probes on the injected clock, feeds the HACCP
 * reducer (haccp.ts) and carries out its effects: the HACCP record in the ledger, alarms through
 * the one alarm model, the cold-chain block. Blocks, crossings and applied corrective actions are
 * rebuilt from the ledger at start; the time since the last record becomes a `fridge.gap`.
 */

export interface FridgePorts {
  probes: readonly TemperatureProbe[];
  /** Door contact: active = open. */
  door?: DigitalInput | undefined;
  /** Compressor relay: active = compressor cut; cut inside defrost windows, released otherwise and on stop. */
  compressorCut?: DigitalOutput | undefined;
}

export interface FridgeLedger extends FridgeLedgerReader {
  append(type: string, data: Record<string, unknown>): unknown;
  onAppended(listener: (e: { type: string; at: number; data: Record<string, unknown> }) => void): () => void;
}

export interface FridgesDeps {
  clock: Clock;
  logger: Logger;
  ledger: FridgeLedger;
  alarms: AlarmSink;
  fridges: ReadonlyArray<{ config: FridgeConfig; ports: FridgePorts }>;
  /** Europe/Berlin by default (defrost windows are wall time). */
  zone?: ZonedTime;
}

export interface BlockedFridge extends BlockInfo {
  fridgeId: string;
}

export interface FridgeView {
  id: string;
  name: string;
  productGroup: string;
  limitTenths: number;
  last: { at: number; tenths: number } | null;
  above: boolean;
  blocked: BlockInfo | null;
  doorOpen: boolean | null;
  faultyProbes: string[];
}

export interface Fridges {
  start(): void;
  /** Stops sampling, flushes pending readings, releases the compressor relay. */
  stop(): Promise<void>;
  /** For the checkout: products assigned to a blocked fridge must not be sold. Offline, local. */
  isBlocked(fridgeId: string): boolean;
  blockedFridges(): BlockedFridge[];
  /** The change applier's mapper for the `fridge.corrective-action` downlink change. */
  correctiveActionMapper: ChangeEventMapper;
  view(): FridgeView[];
  onChange(listener: () => void): () => void;
  /** Resolves when every sample started so far has been judged and recorded (tests, shutdown). */
  settled(): Promise<void>;
}

interface Unit {
  cfg: FridgeConfig;
  ports: FridgePorts;
  haccp: HaccpConfig;
  state: HaccpState;
  batch: { firstAt: number; offsetsMs: number[]; tenths: number[] } | null;
  last: { at: number; tenths: number } | null;
  block: BlockInfo | null;
  timer: TimerHandle | null;
  /** Wall and monotonic time of the previous sample, to notice wall-clock jumps. */
  prevSample: { wall: number; mono: number } | null;
  doorTimer: TimerHandle | null;
  unwatchDoor: Unwatch | null;
}

const MAX_BATCH_SPAN_MS = 86_400_000;
/** Wall time moving this much more or less than monotonic time between two samples is a clock jump. */
const CLOCK_JUMP_MS = 60_000;
const keyPart = (s: string): string => s.replace(/[^A-Za-z0-9_.#-]/g, '_');

export function createFridges(deps: FridgesDeps): Fridges {
  const { clock, alarms } = deps;
  const logger = deps.logger.child({ module: 'fridges' });
  const units = new Map<string, Unit>();
  const listeners = new Set<() => void>();
  let appliedActions = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void) | null = null;
  let running = false;

  for (const { config, ports } of deps.fridges) {
    if (units.has(config.id)) throw new Error(`fridges: duplicate fridge id ${config.id}`);
    if (ports.probes.length === 0) throw new Error(`fridges: fridge ${config.id} has no probe`);
    const inDefrost = defrostChecker(config.defrost, deps.zone);
    units.set(config.id, {
      cfg: config,
      ports,
      haccp: { ...config, inDefrost },
      state: initialHaccpState(),
      batch: null,
      last: null,
      block: null,
      timer: null,
      prevSample: null,
      doorTimer: null,
      unwatchDoor: null,
    });
  }

  const key = (u: Unit, what: string): string => `fridge:${keyPart(u.cfg.id)}:${what}`;
  const probeKey = (u: Unit, probeId: string): string => key(u, `probe:${keyPart(probeId)}`);
  const notify = (): void => {
    for (const l of [...listeners]) {
      try {
        l();
      } catch (err) {
        logger.error({ err }, 'fridges: change listener threw');
      }
    }
  };

  const record = (type: string, data: Record<string, unknown>): void => {
    try {
      deps.ledger.append(type, data);
    } catch (err) {
      logger.error({ err, type, fridgeId: data['fridgeId'] }, 'fridges: recording failed');
    }
  };
  const safely = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      logger.error({ err }, `fridges: ${what} failed`);
    }
  };

  const flush = (u: Unit): void => {
    const b = u.batch;
    if (!b) return;
    u.batch = null;
    const data: FridgePayloads['fridge.readings'] = { fridgeId: u.cfg.id, firstAt: b.firstAt, offsetsMs: b.offsetsMs, tenths: b.tenths };
    record('fridge.readings', data);
  };

  const addReading = (u: Unit, at: number, tenths: number): void => {
    const b = u.batch;
    // offsets stay ascending and within a day: a clock that went back or a long span starts a new record
    if (b && (at - b.firstAt > MAX_BATCH_SPAN_MS || at - b.firstAt < (b.offsetsMs[b.offsetsMs.length - 1] ?? 0))) flush(u);
    u.batch ??= { firstAt: at, offsetsMs: [], tenths: [] };
    u.batch.offsetsMs.push(at - u.batch.firstAt);
    u.batch.tenths.push(tenths);
    if (u.batch.tenths.length >= u.cfg.readingsPerRecord) flush(u);
  };

  const carryOut = (u: Unit, effects: readonly HaccpEffect[]): void => {
    const { id, name, limitTenths } = u.cfg;
    for (const e of effects) {
      switch (e.type) {
        case 'reading':
          u.last = { at: e.at, tenths: e.tenths };
          addReading(u, e.at, e.tenths);
          break;
        case 'crossed':
          flush(u);
          record('fridge.crossed', { fridgeId: id, direction: e.direction, readAt: e.readAt, tenths: e.tenths, limitTenths, inDefrost: e.inDefrost });
          break;
        case 'probe-fault':
          record('fridge.probe-fault', { fridgeId: id, probeId: e.probeId, fault: e.fault, detail: e.detail });
          break;
        case 'raise':
          if (e.alarm === 'temperature') {
            safely('raising an alarm', () =>
              alarms.raise(key(u, 'temperature'), {
                source: 'fridge',
                kind: 'temperature',
                severity: 'critical',
                reason: `${name}: ${e.reason}`,
                since: e.since,
                detail: { fridgeId: id, tenths: e.tenths, limitTenths },
              }),
            );
          } else {
            const kind = e.fault === 'implausible' || e.fault === 'power-on-value' ? 'probe-implausible' : 'probe-lost';
            safely('raising an alarm', () =>
              alarms.raise(probeKey(u, e.probeId), {
                source: 'fridge',
                kind,
                severity: 'critical',
                reason: `${name}: ${e.reason}`.slice(0, 500),
                detail: { fridgeId: id, probeId: e.probeId, fault: e.fault },
              }),
            );
          }
          break;
        case 'clear':
          safely('clearing an alarm', () => alarms.clear(e.alarm === 'temperature' ? key(u, 'temperature') : probeKey(u, e.probeId), `${name}: ${e.reason}`));
          break;
        case 'block':
          flush(u);
          u.block = { cause: e.cause, since: e.since, readAt: e.readAt, tenths: e.tenths };
          record('fridge.blocked', { fridgeId: id, cause: e.cause, since: e.since, readAt: e.readAt, tenths: e.tenths, limitTenths });
          safely('raising an alarm', () =>
            alarms.raise(key(u, 'blocked'), {
              source: 'fridge',
              kind: 'cold-chain-blocked',
              severity: 'critical',
              reason: `${name}: products blocked until a corrective action (${e.cause === 'gap-breach' ? 'long gap in the record, then' : 'above the limit for too long,'} ${formatTenths(e.tenths)} > ${formatTenths(limitTenths)})`,
              since: e.since,
              detail: { fridgeId: id, cause: e.cause },
            }),
          );
          logger.warn({ fridgeId: id, cause: e.cause }, 'fridge blocked: cold chain broken');
          break;
      }
    }
  };

  const feed = (u: Unit, input: HaccpInput): void => {
    const { state, effects } = step(u.haccp, u.state, input);
    u.state = state;
    carryOut(u, effects);
    if (effects.length > 0) notify();
  };

  const readProbe = (u: Unit, probe: TemperatureProbe): Promise<TemperatureReading> => {
    const timeoutMs = Math.min(10_000, Math.floor(u.cfg.samplingMs / 2));
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: TemperatureReading): void => {
        if (done) return;
        done = true;
        clock.clearTimeout(timer);
        resolve(r);
      };
      const timer = clock.setTimeout(
        () => finish({ ok: false, probeId: probe.id, fault: 'read-error', detail: `no answer within ${timeoutMs} ms` }),
        timeoutMs,
      );
      probe
        .read()
        .then(finish, (err: unknown) => finish({ ok: false, probeId: probe.id, fault: 'read-error', detail: String((err as Error)?.message ?? err) }));
    });
  };

  const sample = (u: Unit): void => {
    u.timer = running ? clock.setTimeout(() => sample(u), u.cfg.samplingMs) : null;
    const at = Math.trunc(clock.now());
    const mono = clock.monotonic();
    const prev = u.prevSample;
    u.prevSample = { wall: at, mono };
    const jumped = prev !== null && Math.abs(at - prev.wall - (mono - prev.mono)) > CLOCK_JUMP_MS;
    if (jumped)
      logger.warn(
        { fridgeId: u.cfg.id, wallMs: at - prev.wall, monotonicMs: Math.round(mono - prev.mono) },
        'fridges: the wall clock jumped; the breach clock restarts',
      );
    if (u.ports.compressorCut) safely('switching the compressor relay', () => u.ports.compressorCut!.write(u.haccp.inDefrost(at)));
    const reads = Promise.all(u.ports.probes.map((p) => readProbe(u, p)));
    chain = chain
      .then(async () => {
        const readings = await reads;
        if (jumped) feed(u, { type: 'clock-jump', at });
        feed(u, { type: 'sample', at, readings });
      })
      .catch((err: unknown) => logger.error({ err, fridgeId: u.cfg.id }, 'fridges: judging a sample failed'));
  };

  const watchDoor = (u: Unit): void => {
    const door = u.ports.door;
    if (!door) return;
    const onDoor = (open: boolean): void => {
      if (u.doorTimer !== null) clock.clearTimeout(u.doorTimer);
      u.doorTimer = null;
      if (open) {
        const openedAt = Math.trunc(clock.now());
        u.doorTimer = clock.setTimeout(() => {
          u.doorTimer = null;
          safely('raising an alarm', () =>
            alarms.raise(key(u, 'door-open'), {
              source: 'fridge',
              kind: 'door-open',
              severity: 'warning',
              reason: `${u.cfg.name}: door open for more than ${Math.round(u.cfg.doorOpenAlarmMs / 1000)} s`,
              since: openedAt,
              detail: { fridgeId: u.cfg.id },
            }),
          );
        }, u.cfg.doorOpenAlarmMs);
      } else safely('clearing an alarm', () => alarms.clear(key(u, 'door-open'), `${u.cfg.name}: door closed`));
      notify();
    };
    u.unwatchDoor = door.watch(onDoor);
    onDoor(door.read());
  };

  const onCorrectiveAction = (at: number, d: FridgePayloads['fridge.corrective-action']): void => {
    if (appliedActions.has(d.actionId)) return;
    appliedActions.add(d.actionId);
    const u = units.get(d.fridgeId);
    if (!u || !d.lifted || !u.block) return;
    u.block = null;
    feed(u, { type: 'corrective-action', at, lifts: true });
    safely('clearing an alarm', () => alarms.clear(key(u, 'blocked'), `${u.cfg.name}: corrective action ${d.actionId} by ${d.by}: ${d.note}`.slice(0, 500)));
    logger.info({ fridgeId: u.cfg.id, actionId: d.actionId }, 'fridge block lifted by a corrective action');
    notify();
  };

  return {
    start() {
      if (running) return;
      safely('recording the configuration', () => {
        if (
          reportFridgeConfiguration(
            deps.ledger,
            [...units.values()].map((u) => u.cfg),
          )
        )
          logger.info({ fridges: units.size }, 'fridge configuration recorded (it differs from the last one)');
      });
      const rebuilt = rebuildFridges(deps.ledger, [...units.keys()]);
      appliedActions = rebuilt.appliedActions;
      const now = Math.trunc(clock.now());
      for (const u of units.values()) {
        const r = rebuilt.fridges.get(u.cfg.id)!;
        u.block = r.block;
        u.state = {
          ...initialHaccpState(),
          above: r.above,
          // a crossing "in the future" means the clock went back across the restart: count from now
          countingSince: r.countingSince !== null && r.countingSince > now ? now : r.countingSince,
          blocked: r.block !== null,
          alarmed: alarms.isOpen(key(u, 'temperature')),
          probes: Object.fromEntries(u.ports.probes.map((p) => [p.id, { faultRun: 0, fault: null, alarmed: alarms.isOpen(probeKey(u, p.id)) }])),
        };
        if (r.lastSeenAt !== null && now < r.lastSeenAt) {
          logger.warn({ fridgeId: u.cfg.id, lastSeenAt: r.lastSeenAt, now }, 'fridges: the clock is before the last record; no gap computed');
        } else if (r.lastSeenAt !== null && now - r.lastSeenAt > 2 * u.cfg.samplingMs) {
          const gap: FridgePayloads['fridge.gap'] = { fridgeId: u.cfg.id, fromAt: r.lastSeenAt, toAt: now, lengthMs: now - r.lastSeenAt };
          record('fridge.gap', gap);
          feed(u, { type: 'gap', fromAt: gap.fromAt, toAt: gap.toAt });
          logger.warn({ ...gap }, 'fridges: no record for a while (power cut or stopped controller)');
        }
      }
      unsubscribe = deps.ledger.onAppended((e) => {
        if (e.type === 'fridge.corrective-action') onCorrectiveAction(e.at, e.data as FridgePayloads['fridge.corrective-action']);
      });
      running = true;
      for (const u of units.values()) {
        if (u.ports.compressorCut) safely('switching the compressor relay', () => u.ports.compressorCut!.write(false));
        watchDoor(u);
        sample(u);
      }
      notify();
    },

    async stop() {
      if (!running) return;
      running = false;
      for (const u of units.values()) {
        if (u.timer !== null) clock.clearTimeout(u.timer);
        if (u.doorTimer !== null) clock.clearTimeout(u.doorTimer);
        u.timer = u.doorTimer = null;
        u.unwatchDoor?.();
        u.unwatchDoor = null;
      }
      unsubscribe?.();
      unsubscribe = null;
      await chain;
      for (const u of units.values()) {
        flush(u);
        if (u.ports.compressorCut) safely('releasing the compressor relay', () => u.ports.compressorCut!.write(false));
      }
      listeners.clear();
    },

    isBlocked: (fridgeId) => units.get(fridgeId)?.block != null,
    blockedFridges: () => [...units.values()].filter((u) => u.block).map((u) => ({ fridgeId: u.cfg.id, ...u.block! })),

    correctiveActionMapper: (body): ChangeEvent[] =>
      correctiveActionEvents(body, {
        hasFridge: (id) => units.has(id),
        isApplied: (actionId) => appliedActions.has(actionId),
        isBlocked: (id) => units.get(id)?.block != null,
      }),

    view: () =>
      [...units.values()].map((u) => ({
        id: u.cfg.id,
        name: u.cfg.name,
        productGroup: u.cfg.productGroup,
        limitTenths: u.cfg.limitTenths,
        last: u.last,
        above: u.state.above,
        blocked: u.block,
        doorOpen: u.ports.door ? u.ports.door.read() : null,
        faultyProbes: Object.entries(u.state.probes)
          .filter(([, p]) => p.fault !== null)
          .map(([id]) => id),
      })),

    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    settled: () => chain,
  };
}
