import { afterEach, describe, expect, it } from 'vitest';
import { ledgerFixture } from '../ledger/testSupport.ts';
import { createHelpState, DEFAULT_ANSWER_WITHIN_MS } from './helpState.ts';

describe('the help state the kiosk reads', () => {
  let fx: ReturnType<typeof ledgerFixture>;
  afterEach(() => fx.cleanup());

  it('is answered by the first remote release after the request, not by one before it; a new request waits again', () => {
    fx = ledgerFixture();
    const ledger = fx.open();
    const help = createHelpState({ ledger });
    help.start();
    ledger.appendChecked('door.remote-release', { commandId: 'c-1', operator: 'early', note: null });
    expect(help.view()).toEqual({ request: null, phone: null, answerWithinMs: DEFAULT_ANSWER_WITHIN_MS });
    fx.clock.advance(1000);
    const { seq } = ledger.appendChecked('help.requested', { at: fx.clock.now(), screen: 'welcome' });
    expect(help.view().request).toEqual({ seq, requestedAt: fx.clock.now(), answeredAt: null, answeredBy: null });
    fx.clock.advance(5000);
    ledger.appendChecked('door.remote-release', { commandId: 'c-2', operator: 'anna', note: null });
    ledger.appendChecked('door.remote-release', { commandId: 'c-3', operator: 'bernd', note: null });
    expect(help.view().request).toEqual({ seq, requestedAt: fx.clock.now() - 5000, answeredAt: fx.clock.now(), answeredBy: 'anna' });
    const next = ledger.appendChecked('help.requested', { at: fx.clock.now(), screen: 'shop' }).seq;
    expect(help.view().request).toMatchObject({ seq: next, answeredAt: null });
    help.stop();
  });

  it('keeps the request and its answer across a restart (read back from the ledger)', () => {
    fx = ledgerFixture();
    let ledger = fx.open();
    const { seq } = ledger.appendChecked('help.requested', { at: fx.clock.now(), screen: 'welcome' });
    let help = createHelpState({ ledger, phone: '05555 123456', answerWithinMs: 60_000 });
    help.start();
    help.stop();
    ledger.close();
    ledger = fx.open();
    help = createHelpState({ ledger, phone: '05555 123456', answerWithinMs: 60_000 });
    help.start();
    expect(help.view()).toEqual({
      request: { seq, requestedAt: expect.any(Number), answeredAt: null, answeredBy: null },
      phone: '05555 123456',
      answerWithinMs: 60_000,
    });
    ledger.appendChecked('door.remote-release', { commandId: 'c-1', operator: 'anna', note: null });
    help.stop();
    ledger.close();
    ledger = fx.open();
    help = createHelpState({ ledger });
    help.start();
    expect(help.view().request).toMatchObject({ seq, answeredBy: 'anna', answeredAt: expect.any(Number) });
    help.stop();
  });
});
