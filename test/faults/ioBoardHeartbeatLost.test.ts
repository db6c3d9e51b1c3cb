import { afterEach, describe, expect, it } from 'vitest';
import { IoFrameParser, encodeIoFrame, type IoFrame } from '../../firmware-bridge/ioboard/frame.ts';
import { NakCode, decodeMessage, toFrame } from '../../firmware-bridge/ioboard/messages.ts';
import { createIoRig, drive, type IoRig } from './ioBoardHarness.ts';

let rig: IoRig;
afterEach(async () => rig?.stop());

describe('I/O board heartbeat lost', () => {
  it('relays stay on while the host heartbeats, and drop within the watchdog time once it goes silent', async () => {
    rig = await createIoRig({ watchdogMs: 1500 });
    await rig.run(100); // first heartbeat arms the watchdog
    expect(await drive(rig.clock, rig.board.setRelay(2, true))).toMatchObject({ ok: true });
    for (let i = 0; i < 50; i++) {
      rig.clock.advance(100);
      await rig.flush();
    }
    expect(rig.sim.relays[1]).toBe(true);

    rig.board.stop(); // the host process dies: no more heartbeats
    rig.clock.advance(1499);
    await rig.flush();
    expect(rig.sim.relays[1]).toBe(true);
    rig.clock.advance(2000);
    await rig.flush();
    expect(rig.sim.relays).toEqual([false, false, false, false]);
  });

  it('a pulled cable starves the watchdog too; the driver reports degraded then lost', async () => {
    rig = await createIoRig();
    await rig.run(100);
    await drive(rig.clock, rig.board.setRelay(1, true));
    rig.pair.unplug();
    for (let i = 0; i < 40; i++) {
      rig.clock.advance(100);
      await rig.flush();
    }
    expect(rig.sim.relays[0]).toBe(false);
    const healths = rig.events.flatMap((e) => (e.type === 'health' ? [e.health] : []));
    expect(healths).toContain('degraded');
    expect(rig.board.health).toBe('lost');
  });

  it('a relay cannot be switched on while no heartbeat is alive (board NAKs "no heartbeat")', async () => {
    rig = await createIoRig();
    rig.board.stop(); // the driver's first heartbeat armed the watchdog; let it expire
    await rig.run(2000);
    const replies = new IoFrameParser();
    const got: IoFrame[] = [];
    rig.pair.host.onData((c) => got.push(...replies.push(c)));
    await rig.pair.host.write(encodeIoFrame(toFrame(77, { type: 'setRelay', relay: 1, on: true })));
    await rig.flush();
    const reply = got.find((f) => f.seq === 77);
    expect(reply && decodeMessage(reply)).toEqual({ ok: true, message: { type: 'nak', nakedType: 0x03, code: NakCode.noHeartbeat } });
    expect(rig.sim.relays[0]).toBe(false);
  });
});
