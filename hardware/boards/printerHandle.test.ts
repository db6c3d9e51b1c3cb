import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { EscPosEncoder } from '../../firmware-bridge/escpos/encoder.ts';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { bundledProfilePath, HardwareProfileError, parseHardwareProfile } from '../profile/load.ts';
import type { BoardsConfig } from '../profile/boardsSchema.ts';
import { EscPosPrinterSim } from '../sim/serial/escpos/escposPrinterSim.ts';
import { SimulatedBoards } from '../sim/boards/simulatedBoards.ts';
import { BoardSet } from './boardSet.ts';
import type { PrinterHandle } from './boardHandles.ts';

const PRINTER = 'usb:04b8:0202';
const base = JSON.parse(await readFile(bundledProfilePath('pi4-example'), 'utf8')) as { boards: { devices: unknown[] } };

function withPrinter(device: Record<string, unknown>): string {
  const p = structuredClone(base);
  p.boards.devices.push({ id: 'bondrucker', protocol: 'escpos', link: PRINTER, ...device });
  return JSON.stringify(p);
}

function problemsOf(text: string): string[] {
  try {
    parseHardwareProfile(text, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(HardwareProfileError);
    return (err as HardwareProfileError).problems;
  }
  throw new Error('profile was accepted');
}

describe('receipt printer in the hardware profile', () => {
  it('accepts an escpos printer on its own link', () => {
    const p = parseHardwareProfile(withPrinter({ pollMs: 5000 }), 't.json');
    expect(p.boards?.devices.at(-1)).toEqual({ id: 'bondrucker', protocol: 'escpos', link: PRINTER, pollMs: 5000 });
  });

  it('refuses a bus address, channels or a shared link for a printer, naming the field', () => {
    const problems = problemsOf(withPrinter({ address: 1, channels: 2 }));
    expect(problems).toContain('boards.devices[4].address: a receipt printer has its own link and no bus address');
    expect(problems).toContain('boards.devices[4].channels: a receipt printer has no channels');
    const p = structuredClone(base);
    p.boards.devices.push({ id: 'bon1', protocol: 'escpos', link: PRINTER }, { id: 'bon2', protocol: 'escpos', link: PRINTER });
    expect(problemsOf(JSON.stringify(p))).toEqual([
      `boards.devices[5].link: ${PRINTER} is already used by boards.devices[4]; a receipt printer needs a link of its own`,
    ]);
  });
});

const settle = async (rounds = 10) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

describe('printer board handle (BoardSet, memory link, manual clock)', () => {
  let clock: ManualClock;
  let pair: MemoryLinkPair;
  let sim: EscPosPrinterSim;
  let set: BoardSet;
  const config: BoardsConfig = {
    devices: [{ id: 'bondrucker', protocol: 'escpos', link: 'tcp://printer.sim:9100' }],
    compartments: [],
    relays: [],
    inputs: [],
    probes: [],
  };

  async function start(): Promise<void> {
    clock = new ManualClock();
    pair = createMemoryLinkPair({ name: 'printer', clock });
    sim = new EscPosPrinterSim({ clock });
    sim.attach(pair.device, pair);
    await pair.device.start();
    set = new BoardSet(config, { clock, logger: createSilentLogger(), createLink: () => pair.host });
    await set.start();
    await settle();
  }

  async function pollNow(): Promise<void> {
    const done = set.pollAll();
    for (let i = 0; i < 50; i++) {
      await settle(3);
      clock.advance(100);
    }
    await done;
  }

  afterEach(async () => set?.stop());

  it('is ok when the printer answers, degraded with the reason when it is out of paper, and lost when it stays silent', async () => {
    await start();
    await pollNow();
    expect(set.statuses().find((s) => s.id === 'bondrucker')).toMatchObject({ status: 'ok' });
    sim.setPaper('out');
    await pollNow();
    expect(set.statuses().find((s) => s.id === 'bondrucker')).toMatchObject({ status: 'degraded', detail: 'printer is out of paper' });
    sim.setPaper('ok');
    sim.setAnswering(false);
    for (let i = 0; i < 3; i++) await pollNow();
    expect(set.statuses().find((s) => s.id === 'bondrucker')).toMatchObject({ status: 'lost' });
  });

  it('prints through the handle', async () => {
    await start();
    const handle = set.board('bondrucker') as PrinterHandle;
    const pending = handle.printer.print(new EscPosEncoder().initialize().line('Hallo').cut().build());
    for (let i = 0; i < 40; i++) {
      await settle(3);
      clock.advance(100);
    }
    expect(await pending).toMatchObject({ outcome: 'printed' });
    expect(sim.receipts()[0]!.text).toEqual(['Hallo']);
  });
});

describe('simulated point boards', () => {
  it('serve a simulated receipt printer for an escpos device', async () => {
    const boards = await SimulatedBoards.start(
      { devices: [{ id: 'bondrucker', protocol: 'escpos', link: PRINTER }], compartments: [], relays: [], inputs: [], probes: [] },
      { clock: new ManualClock() },
    );
    try {
      expect(boards.printer('bondrucker')).toBeInstanceOf(EscPosPrinterSim);
      expect(boards.cables()[0]).toMatchObject({ protocol: 'escpos', boards: ['bondrucker'] });
    } finally {
      await boards.stop();
    }
  });
});
