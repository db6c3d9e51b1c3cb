/**
 * The simulated point's serial boards: for each distinct link of the profile's `boards`
 * section, the protocol's simulator (Kerong bus, Modbus bus, I/O board, scanner, receipt printer) served on a
 * TCP port on 127.0.0.1, with a pullable cable. `rewriteProfile` points the profile's link
 * addresses at the actual ports, so the real controller connects to them through real TCP
 * links, unmodified, and a technician can point a terminal at them (`socat - TCP:127.0.0.1:<port>`).
 */
import type { Clock } from '../../../firmware-bridge/platform/clock.ts';
import type { BoardDevice, BoardsConfig } from '../../profile/boardsSchema.ts';
import { canonicalLink } from '../../profile/boardChecks.ts';
import { validateHardwareProfile } from '../../profile/load.ts';
import type { HardwareProfile } from '../../profile/schema.ts';
import { KerongSimulator } from '../serial/kerong/kerongSimulator.ts';
import { ModbusBusSim, setTempHumidity } from '../serial/modbus/modbusBusSim.ts';
import { IoBoardSim } from '../serial/ioboard/ioBoardSim.ts';
import { ScannerSim } from '../serial/scanner/scannerSim.ts';
import { EscPosPrinterSim } from '../serial/escpos/escposPrinterSim.ts';
import { TcpSimPort } from './tcpSimPort.ts';

export interface SimulatedBoardsOptions {
  clock: Clock;
  host?: string;
  /** Fixed TCP ports, one per distinct link in profile order; missing = ephemeral. */
  ports?: readonly number[];
}

export interface SimCable {
  /** the link address in the profile (a placeholder) */
  profileLink: string;
  /** where the simulator actually listens */
  url: string;
  port: number;
  protocol: BoardDevice['protocol'];
  /** board ids on this cable */
  boards: string[];
  plugged: boolean;
}

interface Served {
  profileLink: string;
  port: TcpSimPort;
  devices: BoardDevice[];
  kerong?: KerongSimulator;
  modbus?: ModbusBusSim;
  ioboard?: IoBoardSim;
  scanner?: ScannerSim;
  printer?: EscPosPrinterSim;
  stop(): Promise<void>;
}

export class SimulatedBoards {
  private constructor(
    private readonly config: BoardsConfig | undefined,
    private readonly served: Served[],
  ) {}

  static async start(config: BoardsConfig | undefined, opts: SimulatedBoardsOptions): Promise<SimulatedBoards> {
    const byLink = new Map<string, BoardDevice[]>();
    for (const d of config?.devices ?? []) {
      const key = canonicalLink(d.link) ?? d.link;
      byLink.set(key, [...(byLink.get(key) ?? []), d]);
    }
    const served: Served[] = [];
    try {
      let i = 0;
      for (const [profileLink, devices] of byLink) {
        served.push(await serve(profileLink, devices, opts, opts.ports?.[i]));
        i++;
      }
    } catch (err) {
      await Promise.all(served.map((s) => s.stop()));
      throw err;
    }
    return new SimulatedBoards(config, served);
  }

  /** The boards section with every link address pointing at its simulator. */
  get boards(): BoardsConfig | undefined {
    if (!this.config) return undefined;
    return {
      ...this.config,
      devices: this.config.devices.map((d) => {
        const s = this.servedFor(d.id);
        return s ? { ...d, link: s.port.url } : d;
      }),
    };
  }

  /** The profile with its boards rewritten to the simulators' ports, validated again. */
  rewriteProfile(profile: HardwareProfile, sourceName = 'simulated profile'): HardwareProfile {
    const boards = this.boards;
    const copy: Record<string, unknown> = structuredClone(profile) as unknown as Record<string, unknown>;
    if (boards) copy['boards'] = structuredClone(boards);
    return validateHardwareProfile(copy, `${sourceName} (board links rewritten to the simulators)`);
  }

  cables(): SimCable[] {
    return this.served.map((s) => ({
      profileLink: s.profileLink,
      url: s.port.url,
      port: s.port.port,
      protocol: s.devices[0]!.protocol,
      boards: s.devices.map((d) => d.id),
      plugged: s.port.plugged,
    }));
  }

  /** Pull the cable of the link this board hangs on. False when no such board. */
  async unplug(boardId: string): Promise<boolean> {
    const s = this.servedFor(boardId);
    if (!s) return false;
    await s.port.unplug();
    return true;
  }

  async plug(boardId: string): Promise<boolean> {
    const s = this.servedFor(boardId);
    if (!s) return false;
    await s.port.plug();
    return true;
  }

  kerong(boardId: string): KerongSimulator | undefined {
    return this.servedFor(boardId)?.kerong;
  }

  modbus(boardId: string): ModbusBusSim | undefined {
    return this.servedFor(boardId)?.modbus;
  }

  ioboard(boardId: string): IoBoardSim | undefined {
    return this.servedFor(boardId)?.ioboard;
  }

  scanner(boardId: string): ScannerSim | undefined {
    return this.servedFor(boardId)?.scanner;
  }

  printer(boardId: string): EscPosPrinterSim | undefined {
    return this.servedFor(boardId)?.printer;
  }

  async stop(): Promise<void> {
    await Promise.all(this.served.map((s) => s.stop()));
  }

  private servedFor(boardId: string): Served | undefined {
    return this.served.find((s) => s.devices.some((d) => d.id === boardId));
  }
}

async function serve(profileLink: string, devices: BoardDevice[], opts: SimulatedBoardsOptions, fixedPort: number | undefined): Promise<Served> {
  const port = new TcpSimPort(`sim ${devices.map((d) => d.id).join('+')}`, opts.host ?? '127.0.0.1');
  await port.listen(fixedPort ?? 0);
  const first = devices[0]!;
  const base = { profileLink, port, devices };
  switch (first.protocol) {
    case 'kerong': {
      const kerong = new KerongSimulator({ clock: opts.clock, boards: devices.map((d) => d.address ?? 0) });
      const detach = kerong.attach(port.device);
      return { ...base, kerong, stop: async () => (detach(), await port.close()) };
    }
    case 'modbus': {
      const modbus = new ModbusBusSim(port.device, opts.clock);
      for (const d of devices) {
        const address = d.address ?? 1;
        if (d.kind === 'relay') modbus.addSlave({ address, coils: d.channels ?? 1 });
        else if (d.kind === 'input') modbus.addSlave({ address, discreteInputs: d.channels ?? 1 });
        else setTempHumidity(modbus.addSlave({ address, input: 3 }), 6.5, 55);
      }
      await modbus.start();
      return { ...base, modbus, stop: async () => (await modbus.stop(), await port.close()) };
    }
    case 'ioboard': {
      const ioboard = new IoBoardSim({ link: port.device, clock: opts.clock });
      await ioboard.start();
      return { ...base, ioboard, stop: async () => (await ioboard.stop(), await port.close()) };
    }
    case 'scanner': {
      const scanner = new ScannerSim({ link: port.device });
      await scanner.start();
      return { ...base, scanner, stop: async () => (await scanner.stop(), await port.close()) };
    }
    case 'escpos': {
      const printer = new EscPosPrinterSim({ clock: opts.clock });
      const detach = printer.attach(port.device);
      return { ...base, printer, stop: async () => (detach(), await port.close()) };
    }
  }
}
