/**
 * One handle per profile board: builds the firmware-bridge driver on its bus, polls its state
 * (reads only: polling never writes an output) and says how healthy it is.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { KERONG_LIMITS } from '../../firmware-bridge/kerong/commands.ts';
import { KerongBoard, type LockState, type OpenResult } from '../../firmware-bridge/kerong/board.ts';
import { createKerongSession } from '../../firmware-bridge/kerong/kerongSession.ts';
import { ModbusMaster } from '../../firmware-bridge/modbus/master.ts';
import { InputBoard, RelayBoard, TempHumiditySensor } from '../../firmware-bridge/modbus/boards.ts';
import { IoBoard } from '../../firmware-bridge/ioboard/ioBoard.ts';
import { BarcodeScanner, type ScanEvent } from '../../firmware-bridge/scanner/barcodeScanner.ts';
import { blocking, EscPosPrinter, type PrinterStatus } from '../../firmware-bridge/escpos/printer.ts';
import type { Link, Unsubscribe } from '../../firmware-bridge/transport/link.ts';
import type { BoardDevice } from '../profile/boardsSchema.ts';
import { FailureCounter, linkHealth, type Health } from './status.ts';

export const DEFAULT_POLL_MS = 2000;

export interface BoardHandle {
  readonly device: BoardDevice;
  readonly link: Link;
  /** null: not polled (scanner) */
  readonly pollMs: number | null;
  health(): Health;
  start(): void;
  stop(): void;
  /** Read the board's state once; never throws. */
  poll(): Promise<void>;
  /** Pushed changes (I/O board events); poll results are picked up by the caller. */
  onChange(l: () => void): Unsubscribe;
}

export interface BusDeps {
  clock: Clock;
  logger: Logger;
  defaultPollMs: number;
}

/** Link down beats whatever the driver last said: nothing on a dead wire is ok. */
function withLink(link: Link, driver: Health): Health {
  const l = linkHealth(link.status);
  return l.status === 'ok' ? driver : { status: 'lost', detail: `link ${l.detail ?? 'down'}` };
}

const noChanges = (): Unsubscribe => () => {};

/**
 * A failed request counts against the board, except when the link was down: that is the
 * link's status (shown on its own entry), and counting it would leave the board "degraded"
 * for a moment after every reconnect.
 */
function account(counter: FailureCounter, ok: boolean, failure: { reason: string; detail: string } | undefined): void {
  if (ok) counter.ok();
  else if (failure && failure.reason !== 'link-down') counter.fail(`${failure.reason}: ${failure.detail}`);
}

export class KerongHandle implements BoardHandle {
  readonly pollMs: number;
  readonly locks: number;
  private readonly states = new Map<number, LockState>();
  private readonly counter = new FailureCounter();

  constructor(
    readonly device: BoardDevice,
    readonly link: Link,
    private readonly board: KerongBoard,
    deps: BusDeps,
  ) {
    this.pollMs = device.pollMs ?? deps.defaultPollMs;
    this.locks = device.channels ?? KERONG_LIMITS.maxLock;
  }

  health(): Health {
    return withLink(this.link, this.counter.health);
  }

  start(): void {}
  stop(): void {}
  onChange = noChanges;

  async poll(): Promise<void> {
    const r = await this.board.readAll();
    account(this.counter, r.ok, r.ok ? undefined : r);
    if (r.ok) for (const s of r.value.locks) if (s.lock <= this.locks) this.states.set(s.lock, s);
  }

  state(lock: number): LockState | undefined {
    return this.states.get(lock);
  }

  /** Read one lock now (the read-back after an open); never throws. */
  async read(lock: number): Promise<{ ok: true; value: LockState } | { ok: false; reason: string; detail: string }> {
    const r = await this.board.readLock(lock);
    account(this.counter, r.ok, r.ok ? undefined : r);
    if (r.ok) this.states.set(lock, r.value);
    return r;
  }

  /** One open, as the driver reports it (it reads back after a timeout; never repeated here). */
  async open(lock: number): Promise<OpenResult> {
    const r = await this.board.openLock(lock);
    if (r.result === 'opened') {
      this.counter.ok();
      if (r.state) this.states.set(lock, r.state);
    } else if (r.reason !== 'still-latched') account(this.counter, false, r);
    return r;
  }
}

export class ModbusHandle implements BoardHandle {
  readonly pollMs: number;
  private readonly counter = new FailureCounter();
  private readonly read: () => Promise<{ ok: true; value: unknown } | { ok: false; reason: string; detail: string }>;
  private readonly relay: RelayBoard | undefined;
  /** last value read: relay/input states, or `{ temperatureC, humidityPct }` */
  last: unknown = null;

  constructor(
    readonly device: BoardDevice,
    readonly link: Link,
    master: ModbusMaster,
    deps: BusDeps,
  ) {
    this.pollMs = device.pollMs ?? deps.defaultPollMs;
    const address = device.address ?? 0;
    const channels = device.channels ?? 1;
    if (device.kind === 'relay') {
      const b = new RelayBoard(master, { address, channels });
      this.read = () => b.read();
      this.relay = b;
    } else if (device.kind === 'input') {
      const b = new InputBoard(master, { address, channels });
      this.read = () => b.read();
    } else {
      const b = new TempHumiditySensor(master, { address });
      this.read = () => b.read();
    }
  }

  health(): Health {
    return withLink(this.link, this.counter.health);
  }

  start(): void {}
  stop(): void {}
  onChange = noChanges;

  async poll(): Promise<void> {
    const r = await this.read();
    account(this.counter, r.ok, r.ok ? undefined : r);
    if (r.ok) this.last = r.value;
  }

  /** Switch one relay (1-based) of a relay board; refused (not thrown) for any other kind. */
  async setRelay(channel: number, on: boolean): Promise<{ ok: true } | { ok: false; reason: string; detail: string }> {
    if (!this.relay) return { ok: false, reason: 'invalid-argument', detail: `board ${this.device.id} is not a relay board` };
    const r = await this.relay.set(channel, on);
    account(this.counter, r.ok, r.ok ? undefined : r);
    return r.ok ? { ok: true } : r;
  }
}

export class IoBoardHandle implements BoardHandle {
  readonly pollMs: number;
  private detail = 'not identified yet';
  temps: (number | null)[] = [];
  /** Input levels, index 0 = input 1 (empty until read). */
  inputs: boolean[] = [];

  constructor(
    readonly device: BoardDevice,
    readonly link: Link,
    private readonly io: IoBoard,
    deps: BusDeps,
  ) {
    this.pollMs = device.pollMs ?? deps.defaultPollMs;
  }

  health(): Health {
    const h = this.io.health;
    return withLink(this.link, h === 'ok' ? { status: 'ok' } : { status: h, detail: this.detail });
  }

  start(): void {
    void this.io.start();
  }

  stop(): void {
    this.io.stop();
  }

  onChange(l: () => void): Unsubscribe {
    return this.io.onEvent((e) => {
      if (e.type === 'health') this.detail = e.detail;
      if (e.type === 'inputChanged') this.inputs = e.inputs;
      l();
    });
  }

  async poll(): Promise<void> {
    const r = await this.io.readTemps();
    if (r.ok) this.temps = r.value;
    const i = await this.io.readInputs();
    if (i.ok) this.inputs = i.value;
  }

  /** Switch one relay (1-based). */
  async setRelay(channel: number, on: boolean): Promise<{ ok: true } | { ok: false; reason: string; detail: string }> {
    const r = await this.io.setRelay(channel, on);
    return r.ok ? { ok: true } : r;
  }
}

export class ScannerHandle implements BoardHandle {
  readonly pollMs = null;
  private readonly scanner: BarcodeScanner;

  constructor(
    readonly device: BoardDevice,
    readonly link: Link,
    logger: Logger,
  ) {
    this.scanner = new BarcodeScanner({ link, logger });
  }

  health(): Health {
    return withLink(this.link, { status: 'ok' });
  }

  start(): void {
    this.scanner.start();
  }

  stop(): void {
    this.scanner.stop();
  }

  onChange = noChanges;

  async poll(): Promise<void> {}

  onScan(l: (e: ScanEvent) => void): Unsubscribe {
    return this.scanner.onScan(l);
  }
}

/**
 * A receipt printer: polled with DLE EOT for its health (paper out / cover open = degraded,
 * no answer = failures); `printer` prints receipts on request (controller/receipts).
 */
export class PrinterHandle implements BoardHandle {
  readonly pollMs: number;
  readonly printer: EscPosPrinter;
  private readonly counter = new FailureCounter();
  last: PrinterStatus | null = null;

  constructor(
    readonly device: BoardDevice,
    readonly link: Link,
    deps: BusDeps,
  ) {
    this.pollMs = device.pollMs ?? deps.defaultPollMs;
    this.printer = new EscPosPrinter({ link, clock: deps.clock, logger: deps.logger });
  }

  health(): Health {
    const h = this.counter.health;
    const problem = this.last ? blocking(this.last) : null;
    if (h.status === 'ok' && problem) return withLink(this.link, { status: 'degraded', detail: problem.detail });
    if (h.status === 'ok' && this.last?.paperNearEnd) return withLink(this.link, { status: 'ok', detail: 'paper roll near end' });
    return withLink(this.link, h);
  }

  start(): void {
    this.printer.start();
  }

  stop(): void {
    this.printer.stop();
  }

  onChange = noChanges;

  async poll(): Promise<void> {
    const r = await this.printer.status();
    if (r.ok) this.last = r.status;
    account(this.counter, r.ok, r.ok ? undefined : { reason: r.outcome, detail: r.detail });
  }
}

/**
 * Drivers for the boards sharing one link (a bus): one session / master per bus, every
 * command serialised on it (RS485 is half-duplex).
 */
export function createBusHandles(link: Link, devices: BoardDevice[], deps: BusDeps): { handles: BoardHandle[]; start(): void; stop(): void } {
  const first = devices[0];
  if (!first) return { handles: [], start() {}, stop() {} };
  const logger = deps.logger.child({ link: link.name });
  switch (first.protocol) {
    case 'kerong': {
      const session = createKerongSession({ link, clock: deps.clock, logger });
      const handles = devices.map(
        (d) => new KerongHandle(d, link, new KerongBoard({ session, address: d.address ?? -1, clock: deps.clock, logger, queueKey: 'kerong-bus' }), deps),
      );
      return { handles, start: () => session.start(), stop: () => session.stop() };
    }
    case 'modbus': {
      const master = new ModbusMaster({ link, clock: deps.clock, logger });
      const handles = devices.map((d) => new ModbusHandle(d, link, master, deps));
      return { handles, start: () => master.start(), stop: () => master.stop() };
    }
    case 'ioboard': {
      const io = new IoBoard({ link, clock: deps.clock, logger, ...(first.watchdogMs !== undefined ? { watchdogMs: first.watchdogMs } : {}) });
      return { handles: [new IoBoardHandle(first, link, io, deps)], start() {}, stop() {} };
    }
    case 'scanner':
      return { handles: [new ScannerHandle(first, link, logger)], start() {}, stop() {} };
    case 'escpos': {
      const handle = new PrinterHandle(first, link, { ...deps, logger });
      return { handles: [handle], start: () => handle.start(), stop: () => handle.stop() };
    }
  }
}
