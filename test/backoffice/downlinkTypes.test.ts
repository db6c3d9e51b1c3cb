/**
 * The backoffice can publish only the contract's change and command bodies: a wrong kind or body
 * does not compile (`@ts-expect-error` lines below fail `npx tsc --noEmit` once they compile), and a
 * body smuggled past the types is refused at run time with InvalidBodyError, storing and sending
 * nothing. SQLite, no broker (publish is recorded).
 */
import { describe, expect, it } from 'vitest';
import { Downlink, InvalidBodyError } from '../../backoffice/downlink/downlink.ts';
import { openDatabase } from '../../backoffice/db/database.ts';
import { applyState } from '../../backoffice/presence/presence.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { useCleanup } from '../support/fixture.ts';

const { defer, tempDir } = useCleanup();

async function downlink() {
  const { db, close } = await openDatabase({ kind: 'sqlite', path: `${tempDir('dp-downlink-types-')}/bo.db` });
  defer(close);
  const sent: string[] = [];
  const d = new Downlink({
    db,
    publish: async (topic) => void sent.push(topic),
    publishNow: (topic) => void sent.push(topic),
    connected: () => true,
    clock: systemClock(),
    logger: createSilentLogger(),
  });
  // Online, so that a refusal below is the body check's and not presence's.
  await applyState(db, 'dorf-1', { v: 1, status: 'online', session: 1 }, Date.now());
  const stored = async () => ({
    changes: await db.selectFrom('changes').selectAll().execute(),
    commands: await db.selectFrom('commands').selectAll().execute(),
  });
  return { d, sent, stored };
}

const member = { memberId: 'm-1', name: 'Erna Meier', role: 'member', ageVerified: false } as const;
const release = { operator: 'anna@verein' };

/** Never called: only compiled. Each `@ts-expect-error` fails tsc if the line below it compiles. */
export function wrongBodiesDoNotCompile(d: Downlink): void {
  // @ts-expect-error 'prices' is not a change kind of the contract
  void d.publishChange('dorf-1', 'prices', { sku: 'milk', cents: 119 });
  // @ts-expect-error a members change lists members, it has no `add`
  void d.publishChange('dorf-1', 'members', { add: ['m-1'] });
  // @ts-expect-error 'king' is not a role
  void d.publishChange('dorf-1', 'members', { members: [{ ...member, role: 'king' }] });
  // @ts-expect-error a revocation needs a reason
  void d.publishChange('dorf-1', 'revocations', { revoke: [{ credentialId: 'c-1' }] });
  // @ts-expect-error door.release needs the operator who asked
  void d.sendCommand('dorf-1', 'door.release', {}, 60_000);
  // @ts-expect-error door.release has no `door` field
  void d.sendCommand('dorf-1', 'door.release', { ...release, door: 1 }, 60_000);
  // @ts-expect-error 'x' is not a command kind
  void d.sendCommand('dorf-1', 'x', {}, 60_000);

  // The contract's bodies compile.
  void d.publishChange('dorf-1', 'members', { members: [member] });
  void d.publishChange('dorf-1', 'revocations', { revoke: [{ credentialId: 'c-1', reason: 'lost' }] });
  void d.sendCommand('dorf-1', 'door.release', { ...release, durationMs: 5_000 }, 60_000);
}

describe('downlink bodies smuggled past the types', () => {
  it('refuses an unknown change kind or an invalid change body with InvalidBodyError, storing and sending nothing', async () => {
    const { d, sent, stored } = await downlink();
    const bad: Array<[string, unknown, RegExp]> = [
      ['prices', { sku: 'milk', cents: 119 }, /unknown change kind "prices"/],
      ['members', { add: ['m-1'] }, /change members/],
      ['members', { members: [{ ...member, role: 'king' }] }, /change members/],
      ['revocations', { revoke: [{ credentialId: 'c-1' }] }, /change revocations/],
      ['revocations', { revoke: [] }, /change revocations/],
    ];
    for (const [kind, body, message] of bad) {
      const err = await d.publishChange('dorf-1', kind as never, body as never).catch((e: unknown) => e);
      expect(err, `${kind} ${JSON.stringify(body)}`).toBeInstanceOf(InvalidBodyError);
      expect((err as Error).message).toMatch(message);
    }
    expect(await stored()).toEqual({ changes: [], commands: [] });
    expect(sent).toEqual([]);
  });

  it('refuses an unknown command kind or an invalid command body with InvalidBodyError, storing and sending nothing', async () => {
    const { d, sent, stored } = await downlink();
    const bad: Array<[string, unknown, RegExp]> = [
      ['x', {}, /unknown command kind "x"/],
      ['door.release', {}, /command door.release/],
      ['door.release', { ...release, door: 1 }, /command door.release/],
      ['door.release', { ...release, durationMs: 3_600_000 }, /command door.release/],
      ['door.release', null, /command door.release/],
    ];
    for (const [kind, body, message] of bad) {
      const err = await d.sendCommand('dorf-1', kind as never, body as never, 60_000).catch((e: unknown) => e);
      expect(err, `${kind} ${JSON.stringify(body)}`).toBeInstanceOf(InvalidBodyError);
      expect((err as Error).message).toMatch(message);
    }
    expect(await stored()).toEqual({ changes: [], commands: [] });
    expect(sent).toEqual([]);
  });

  it('stores and sends the contract bodies', async () => {
    const { d, sent, stored } = await downlink();
    await d.publishChange('dorf-1', 'members', { members: [member] });
    await d.sendCommand('dorf-1', 'door.release', release, 60_000);
    const { changes, commands } = await stored();
    expect(changes.map((c) => [c.kind, JSON.parse(c.body)])).toEqual([['members', { members: [member] }]]);
    expect(commands.map((c) => [c.kind, JSON.parse(c.body)])).toEqual([['door.release', release]]);
    expect(sent).toEqual(['dorfpunkt/v1/dorf-1/down/changes', 'dorfpunkt/v1/dorf-1/down/commands']);
  });
});
