import { describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../firmware-bridge/platform/logger.ts';
import { startFeatures, type Feature } from './features.ts';

function recorder(): { log: string[]; feature(name: string, o?: { failStart?: boolean; failStop?: boolean }): Feature } {
  const log: string[] = [];
  return {
    log,
    feature: (name, o = {}) => ({
      async start() {
        log.push(`start ${name}`);
        if (o.failStart) throw new Error(`${name} cannot start`);
      },
      async stop() {
        log.push(`stop ${name}`);
        if (o.failStop) throw new Error(`${name} cannot stop`);
      },
    }),
  };
}

describe('features in fail-safe order', () => {
  it('starts in list order and stops the door and outputs first, then the rest in reverse, once', async () => {
    const r = recorder();
    const running = await startFeatures(
      {
        outputs: r.feature('outputs'),
        ledger: r.feature('ledger'),
        door: r.feature('door'),
        entry: r.feature('entry'),
        sync: undefined,
        http: r.feature('http'),
      },
      { stopFirst: ['entry', 'door', 'outputs'], logger: createRecordingLogger() },
    );
    expect(r.log).toEqual(['start outputs', 'start ledger', 'start door', 'start entry', 'start http']);
    r.log.length = 0;
    await running.stop();
    await running.stop();
    expect(r.log).toEqual(['stop entry', 'stop door', 'stop outputs', 'stop http', 'stop ledger']);
  });

  it('stops the failing feature and the ones before it, outputs first, when a feature cannot start', async () => {
    const r = recorder();
    const logger = createRecordingLogger();
    await expect(
      startFeatures(
        {
          outputs: r.feature('outputs'),
          ledger: r.feature('ledger'),
          door: r.feature('door'),
          hardware: r.feature('hardware', { failStart: true }),
          http: r.feature('http'),
        },
        { stopFirst: ['door', 'outputs'], logger },
      ),
    ).rejects.toThrow('hardware cannot start');
    expect(r.log).toEqual(['start outputs', 'start ledger', 'start door', 'start hardware', 'stop door', 'stop outputs', 'stop hardware', 'stop ledger']);
  });

  it('stops the link and the ledger last, after the features that write their last events', async () => {
    const r = recorder();
    const running = await startFeatures(
      {
        outputs: r.feature('outputs'),
        ledger: r.feature('ledger'),
        door: r.feature('door'),
        fridges: r.feature('fridges'),
        sync: r.feature('sync'),
        http: r.feature('http'),
      },
      { stopFirst: ['door', 'outputs'], stopLast: ['sync', 'ledger'], logger: createRecordingLogger() },
    );
    r.log.length = 0;
    await running.stop();
    expect(r.log).toEqual(['stop door', 'stop outputs', 'stop http', 'stop fridges', 'stop sync', 'stop ledger']);
  });

  it('still stops everything when one stop throws, and reports the first error', async () => {
    const r = recorder();
    const running = await startFeatures(
      { outputs: r.feature('outputs'), ledger: r.feature('ledger'), sync: r.feature('sync', { failStop: true }), http: r.feature('http', { failStop: true }) },
      { stopFirst: ['outputs'], logger: createRecordingLogger() },
    );
    r.log.length = 0;
    await expect(running.stop()).rejects.toThrow('http cannot stop');
    expect(r.log).toEqual(['stop outputs', 'stop http', 'stop sync', 'stop ledger']);
  });

  it('refuses a stopFirst name that is not in the list (a typo would silently lose the fail-safe order)', async () => {
    const r = recorder();
    await expect(startFeatures({ outputs: r.feature('outputs') }, { stopFirst: ['dor'], logger: createRecordingLogger() })).rejects.toThrow(
      /stop order names dor/,
    );
    expect(r.log).toEqual([]);
  });
});
