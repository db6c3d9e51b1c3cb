/** Shared fixtures for access tests (not used by production code). */
import { createSilentLogger, type Logger } from '../../firmware-bridge/platform/logger.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { AccessDecider } from './decide.ts';
import { generateSigningKeyPair, type SigningKeyPair } from './keys.ts';
import { MemoryAccessState } from './memoryAccessState.ts';
import { OpeningRulesEngine, type OpeningRules } from './openingRules.ts';
import { parseOpeningRules, type OpeningRulesDocument } from './openingRulesSchema.ts';
import { issueToken, type TokenClaims } from './token.ts';

/** Saturday 21 Nov 2026, 11:00 Berlin. */
export const SATURDAY_11H = Date.UTC(2026, 10, 21, 10, 0, 0);

const allDay = [{ from: '00:00', to: '24:00', audience: 'everyone' as const }];
export function alwaysOpenRules(overrides: Partial<OpeningRulesDocument> = {}): OpeningRulesDocument {
  return parseOpeningRules({
    version: 1,
    state: 'NI',
    weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
    holidays: 'ignore',
    ...overrides,
  });
}

export interface Fixture {
  clock: ManualClock;
  keys: SigningKeyPair;
  state: MemoryAccessState;
  decider: AccessDecider;
  rules: OpeningRules;
  logger: Logger;
  token: (claims?: Partial<TokenClaims>) => string;
  /** A new decider over the same state: a restart; `bootId` other than BOOT_A models a reboot. */
  newDecider: (options?: { bootId?: string; clock?: ManualClock }) => AccessDecider;
}

/** The boot id fixtures run in. */
export const BOOT_A = 'boot-a';

export function fixture(options: { rules?: OpeningRulesDocument; startMs?: number; logger?: Logger } = {}): Fixture {
  const clock = new ManualClock(options.startMs ?? SATURDAY_11H);
  const keys = generateSigningKeyPair();
  const state = new MemoryAccessState();
  const rules = new OpeningRulesEngine(options.rules ?? alwaysOpenRules());
  const logger = options.logger ?? createSilentLogger();
  const newDecider = (o: { bootId?: string; clock?: ManualClock } = {}): AccessDecider =>
    new AccessDecider({ clock: o.clock ?? clock, bootId: o.bootId ?? BOOT_A, publicKey: keys.publicKey, state, openingRules: rules, logger });
  const token = (claims: Partial<TokenClaims> = {}): string => {
    const nowS = Math.floor(clock.now() / 1000);
    return issueToken(keys.privateKey, {
      role: 'member',
      age16: false,
      age18: false,
      memberId: 'M1001',
      credentialId: 'c7Hq2LmX9aZb',
      issuedAt: nowS - 3600,
      expiresAt: nowS + 365 * 86400,
      ...claims,
    });
  };
  return { clock, keys, state, decider: newDecider(), rules, logger, token, newDecider };
}
