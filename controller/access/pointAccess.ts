/**
 * Access decisions of a running point, built from the ledger: public key, revocations and cards,
 * the current opening rules, the time floor and the replay window.
 *
 * Time floor (DESIGN principle 4): the latest wall time the ledger saw, read once at build, so a
 * Pi booting at 1970 without network still accepts valid tokens and a clock set back cannot
 * revive expired ones. Server time: the backoffice's acks carry its time (the sync client calls
 * `setServerTime`); from then on validity uses it plus monotonic time. Replay window (D8): grants
 * of the last minute before this start, from the ledger.
 */
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { Ledger } from '../ledger/index.ts';
import { SqliteAccessState } from '../ledger/index.ts';
import type { Limits } from '../config/limits.ts';
import { importPublicKeyPem } from './keys.ts';
import { AccessDecider } from './decide.ts';
import { REPLAY_EVENT_TYPES, replaySeedFrom } from './replaySeed.ts';
import { CurrentOpeningRules } from './currentOpeningRules.ts';
import type { Bundesland } from './holidays.ts';

export interface PointAccessDeps {
  ledger: Ledger;
  publicKeyPem: string;
  bundesland: Bundesland;
  bootId: string;
  limits: Limits;
  clock: Clock;
  logger: Logger;
}

export interface PointAccess {
  readonly decider: AccessDecider;
  readonly publicKey: KeyObject;
  start(): void;
  stop(): void;
}

export function createPointAccess(deps: PointAccessDeps): PointAccess {
  const { ledger, clock, logger, limits } = deps;
  const rules = new CurrentOpeningRules(ledger, deps.bundesland, logger);
  const replayWindowMs = limits.replayWindowMs;
  const replaySeed = replaySeedFrom(ledger.recentOfTypes(REPLAY_EVENT_TYPES, 10_000), { bootId: deps.bootId, mono: clock.monotonic() }, replayWindowMs);
  const publicKey = importPublicKeyPem(deps.publicKeyPem);
  const decider = new AccessDecider({
    bootId: deps.bootId,
    replayWindowMs,
    replaySeed,
    lockoutPolicy: limits.pin,
    clock,
    publicKey,
    state: new SqliteAccessState(ledger),
    openingRules: rules,
    logger: logger.child({ module: 'access' }),
    timeFloorMs: ledger.timeFloorMs(),
  });
  // Decisions are made on demand; nothing runs between them.
  return { decider, publicKey, start() {}, stop() {} };
}
