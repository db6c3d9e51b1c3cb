import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HardwareProfileError, bundledProfilePath, parseHardwareProfile } from './load.ts';

const base = JSON.parse(await readFile(bundledProfilePath('pi4-example'), 'utf8')) as Record<string, unknown>;

function variant(change: (p: any) => void): string {
  const p = structuredClone(base);
  change(p);
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

describe('hardware profile boards section', () => {
  it('accepts the example boards and fills in empty mappings', () => {
    const p = parseHardwareProfile(
      variant((p) => {
        delete p.boards.inputs;
      }),
      't.json',
    );
    expect(p.boards?.devices.map((d) => d.protocol)).toEqual(['kerong', 'modbus', 'modbus', 'scanner']);
    expect(p.boards?.inputs).toEqual([]);
    expect(p.boards?.compartments).toHaveLength(16);
  });

  it('refuses a duplicate board id, naming both entries', () => {
    const problems = problemsOf(variant((p) => (p.boards.devices[1].id = 'schliessfach-1')));
    expect(problems).toContain('boards.devices[1].id: duplicate board id "schliessfach-1" (also boards.devices[0].id)');
  });

  it('refuses a Kerong address above the driver limit instead of clamping it', () => {
    expect(problemsOf(variant((p) => (p.boards.devices[0].address = 16)))).toEqual(['boards.devices[0].address: Kerong board address must be 0..15, got 16']);
  });

  it('refuses a Modbus address outside 1..247 and a Modbus board without kind', () => {
    const problems = problemsOf(
      variant((p) => {
        p.boards.devices[1].address = 0;
        delete p.boards.devices[2].kind;
      }),
    );
    expect(problems).toContain('boards.devices[1].address: Modbus slave address 0 out of range: must be an integer 1..247');
    expect(problems).toContain('boards.devices[2].kind: is required for a Modbus board: relay, input or temperature');
  });

  it('refuses a compartment whose lock is out of the board range (17 on a 16-lock board, 13 on a 12-lock board)', () => {
    expect(problemsOf(variant((p) => (p.boards.compartments[0].lock = 17)))).toEqual([
      'boards.compartments[0].lock: lock 17 out of range: board "schliessfach-1" has locks 1..16',
    ]);
    expect(problemsOf(variant((p) => (p.boards.devices[0].channels = 12)))).toContain(
      'boards.compartments[12].lock: lock 13 out of range: board "schliessfach-1" has locks 1..12',
    );
    expect(problemsOf(variant((p) => (p.boards.compartments[0].lock = 0)))[0]).toMatch(/^boards\.compartments\[0\]\.lock: lock 0 out of range/);
  });

  it('refuses duplicate compartments and two compartments on one lock', () => {
    const problems = problemsOf(
      variant((p) => {
        p.boards.compartments[1].id = 'A1';
        p.boards.compartments[2].lock = 4;
      }),
    );
    expect(problems).toContain('boards.compartments[1].id: duplicate compartment "A1" (also boards.compartments[0])');
    expect(problems).toContain('boards.compartments[3].lock: lock 4 of board "schliessfach-1" is already compartment boards.compartments[2]');
  });

  it('refuses a mapping naming an unknown board or a board of the wrong protocol', () => {
    const problems = problemsOf(
      variant((p) => {
        p.boards.compartments[0].board = 'gibt-es-nicht';
        p.boards.compartments[1].board = 'kuehl-relais';
        p.boards.relays[0].board = 'schliessfach-1';
        p.boards.probes[0].board = 'kuehl-relais';
      }),
    );
    expect(problems).toContain('boards.compartments[0].board: unknown board "gibt-es-nicht" (not in boards.devices)');
    expect(problems).toContain('boards.compartments[1].board: board "kuehl-relais" is a modbus board; compartments need a lock board (kerong)');
    expect(problems).toContain('boards.relays[0].board: board "schliessfach-1" is a kerong board; relays need a Modbus relay board or an I/O board');
    expect(problems).toContain('boards.probes[0].board: board "kuehl-relais" is a Modbus relay board; probes need a Modbus temperature board or an I/O board');
  });

  it('refuses a relay channel out of the board range', () => {
    expect(problemsOf(variant((p) => (p.boards.relays[0].channel = 5)))).toEqual([
      'boards.relays[0].channel: channel 5 out of range: board "kuehl-relais" has relays 1..4',
    ]);
  });

  it('refuses a bad link address, two protocols on one link and two boards with one address on a bus', () => {
    const problems = problemsOf(
      variant((p) => {
        p.boards.devices[3].link = 'com3';
        p.boards.devices[0].link = p.boards.devices[1].link;
      }),
    );
    expect(problems.some((l) => l.startsWith('boards.devices[3].link: invalid link address "com3"'))).toBe(true);
    expect(problems.some((l) => /^boards\.devices\[1\]\.link: .* is already used by boards\.devices\[0\] speaking kerong/.test(l))).toBe(true);
    expect(problemsOf(variant((p) => (p.boards.devices[2].address = 1)))).toEqual([
      'boards.devices[2].address: address 1 is already used on serial:/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0?baud=9600 by boards.devices[1]',
    ]);
  });

  it('refuses fields a protocol does not take', () => {
    const problems = problemsOf(variant((p) => (p.boards.devices[3].address = 3)));
    expect(problems).toEqual(['boards.devices[3].address: a scanner has its own link and no bus address']);
  });
});
