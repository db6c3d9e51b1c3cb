/**
 * Hostile downlink input: malformed JSON, invalid UTF-8, wrong schema, oversize, unknown version,
 * on every downlink topic. Each is rejected, logged and counted; nothing crashes, nothing applies,
 * and the uplink and a valid change right after keep working.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../../firmware-bridge/platform/logger.ts';
import { encode, MAX_BYTES, topics } from '../../controller/contract/sync/index.ts';
import { startRealBackoffice } from './support/backoffices.ts';
import { combos, expectExactlyOnce, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const list = await combos();
const { defer, tempDir } = useCleanup();

describe.each(list)('bad downlink payloads ($name)', (combo) => {
  it('rejects, logs and counts every bad payload without disturbing anything else', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    defer(() => broker.close());
    const bo = await startRealBackoffice(broker.url, combo.store, dir);
    defer(() => bo.close());
    const siteId = uniqueSiteId('bad');
    const logger = createRecordingLogger();
    const point = openPoint({
      brokerUrl: broker.url,
      siteId,
      dbPath: `${dir}/ledger.db`,
      logger,
    });
    defer(() => point.close());
    point.sync.start();
    for (let i = 0; i < 200; i++) point.ledger.appendUnchecked('sale', { i });
    await waitFor(() => point.sync.status().lastAckSeq === 200, { timeoutMs: 10_000, what: 'first events acknowledged' });

    const rogue = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: `rogue-${siteId}`, reconnectPeriod: 0 });
    defer(() => rogue.endAsync(true));
    const down = [topics.downAck(siteId), topics.downChanges(siteId), topics.downCommands(siteId)];
    const bad: { name: string; payload: Buffer | string; code: string }[] = [
      { name: 'malformed JSON', payload: '{"v":1,', code: 'not-json' },
      { name: 'invalid UTF-8', payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), code: 'not-json' },
      { name: 'not an object', payload: '[1,2,3]', code: 'schema' },
      { name: 'wrong schema', payload: JSON.stringify({ v: 1, upTo: 'all', version: -1, id: '!', kind: 7 }), code: 'schema' },
      {
        name: 'unknown version',
        payload: JSON.stringify({ v: 99, upTo: 1, version: 1, kind: 'revocations', body: { revoke: [{ credentialId: 'c1', reason: 'lost' }] } }),
        code: 'unsupported-version',
      },
      { name: 'oversize', payload: Buffer.alloc(MAX_BYTES.changes + 10, 0x20), code: 'too-large' },
    ];
    for (const topic of down) for (const b of bad) await rogue.publishAsync(topic, b.payload, { qos: 1 });
    const expected = down.length * bad.length;
    await waitFor(() => point.sync.counters.badPayloads >= expected, { timeoutMs: 10_000, what: 'every bad payload to be counted' });

    expect(point.sync.counters.badPayloads).toBe(expected);
    expect(point.sync.counters.badPayloadsByCode).toEqual({ 'not-json': 6, schema: 6, 'unsupported-version': 3, 'too-large': 3 });
    const warnings = logger.records.filter((r) => r.msg === 'sync: rejected downlink payload');
    expect(warnings).toHaveLength(expected);
    const revocations = () => point.ledger.events(1, 10_000).filter((e) => e.type === 'credential.revoked').length;
    expect(revocations()).toBe(0);
    expect(point.door.grants).toEqual([]);
    expect(point.sync.appliedVersion()).toBe(0);
    expect(point.sync.status()).toMatchObject({ connected: true, lastAckSeq: 200 });

    // Everything else still works: a valid change applies (one ledger event), more events flow
    // exactly once.
    await rogue.publishAsync(
      topics.downChanges(siteId),
      encode('changes', { v: 1, version: 1, kind: 'revocations', body: { revoke: [{ credentialId: 'lost-card', reason: 'lost' }] } }),
      { qos: 1 },
    );
    for (let i = 0; i < 200; i++) point.ledger.appendUnchecked('sale', { i });
    await waitFor(() => point.sync.appliedVersion() === 1 && point.sync.status().lastAckSeq === 401, { timeoutMs: 10_000, what: 'normal operation' });
    expect(revocations()).toBe(1);
    expect(point.ledger.state.isRevoked('lost-card')).toBe(true);
    expect(expectExactlyOnce(await bo.stored(siteId), 401)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
  }, 40_000);
});
