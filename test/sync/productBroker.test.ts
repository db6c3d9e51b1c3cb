/**
 * The point against the product's embedded Aedes broker with per-site credentials and ACLs and the
 * product backoffice on its service account: everything the point publishes and subscribes to is
 * allowed; a refused CONNACK (bad password) does not stop the reconnect loop, and the point
 * connects as soon as its credential is valid.
 */
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { startEmbeddedBroker } from '../../backoffice/broker/embeddedBroker.ts';
import { hashPassword } from '../../backoffice/credentials/passwordHash.ts';
import { startRealBackoffice } from './support/backoffices.ts';
import { expectExactlyOnce, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const { defer, tempDir } = useCleanup();

describe('the point on the product embedded broker (per-site auth and ACL)', () => {
  it('syncs uplink, changes and commands within its ACL, and survives refused CONNACKs', async () => {
    const dir = tempDir();
    const siteId = uniqueSiteId('acl');
    const password = 'correct horse battery';
    let hash: string | null = hashPassword('an old password');
    const broker = await startEmbeddedBroker({
      port: 0,
      clock: createSystemClock(),
      lookupSiteHash: async (u) => (u === siteId ? hash : null),
      serviceAccounts: [{ username: '_backoffice', password: 'bo-secret' }],
      logger: createSilentLogger(),
    });
    defer(() => broker.stop());
    const bo = await startRealBackoffice(broker.url, 'sqlite', dir, { username: '_backoffice', password: 'bo-secret' });
    defer(() => bo.close());
    const point = openPoint({
      brokerUrl: broker.url,
      siteId,
      username: siteId,
      password,
      dbPath: `${dir}/ledger.db`,
    });
    defer(() => point.close());
    point.sync.start();
    for (let i = 0; i < 1_500; i++) point.ledger.appendUnchecked('sale', { i });

    await waitFor(() => point.sync.status().session >= 3, { timeoutMs: 10_000, what: 'several refused attempts' });
    expect(point.sync.status().connected).toBe(false);
    hash = hashPassword(password); // the credential becomes valid (e.g. re-provisioned)
    await waitFor(() => point.sync.status().lastAckSeq === 1_500, { timeoutMs: 15_000, what: 'the backlog after the credential is fixed' });
    expect(expectExactlyOnce(await bo.stored(siteId), 1_500)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });

    const backoffice = bo.product();
    await backoffice.downlink.publishChange(siteId, 'revocations', { revoke: [{ credentialId: 'lost-card', reason: 'lost' }] });
    const cmd = await backoffice.downlink.sendCommand(siteId, 'door.release', { operator: 'anna@verein' }, 30_000);
    await waitFor(
      async () => {
        const c = await backoffice.db.selectFrom('commands').select('status').where('id', '=', cmd.id).executeTakeFirst();
        const s = await backoffice.db.selectFrom('sites').select('applied_version').where('site_id', '=', siteId).executeTakeFirst();
        return c?.status === 'done' && Number(s?.applied_version) === 1;
      },
      { timeoutMs: 10_000, what: 'the change applied and the command result reported' },
    );
    expect(point.door.grants).toEqual([{ reason: 'remote-release' }]);
    expect(point.ledger.state.isRevoked('lost-card')).toBe(true);
    expect(broker.denied).toEqual({ publish: 0, subscribe: 0 });
  }, 40_000);
});
