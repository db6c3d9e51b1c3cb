/**
 * The point's brute-force limits (DESIGN principle 7), with the promised defaults. A point runs
 * on the defaults; a technician may only tighten them in production, and tests shorten the locks
 * to watch them end on the real clock. Validated like every other input.
 */
import { Type, type Static } from 'typebox';
import { parseJsonWithSchema } from '../../firmware-bridge/platform/validation.ts';
import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from '../access/attemptLimiter.ts';

const Policy = Type.Object(
  {
    freeFailures: Type.Integer({ minimum: 1, maximum: 20 }),
    baseLockMs: Type.Integer({ minimum: 100, maximum: 24 * 3_600_000 }),
    maxLockMs: Type.Integer({ minimum: 100, maximum: 24 * 3_600_000 }),
  },
  { additionalProperties: false },
);

export const LimitsSchema = Type.Object(
  {
    /** Wrong PINs per card: 5 free, then 60 s doubling to 15 min. */
    pin: Type.Optional(Type.Partial(Policy, { additionalProperties: false })),
    /** A credential granted within this window is refused as replayed (D8): 60 s. */
    replayWindowMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);
export type LimitsConfig = Static<typeof LimitsSchema>;

export interface Limits {
  pin: LockoutPolicy;
  replayWindowMs: number;
}

export const DEFAULT_LIMITS: Limits = { pin: DEFAULT_LOCKOUT_POLICY, replayWindowMs: 60_000 };

export function resolveLimits(config: LimitsConfig | undefined): Limits {
  const pin = { ...DEFAULT_LOCKOUT_POLICY, ...(config?.pin ?? {}) };
  if (pin.maxLockMs < pin.baseLockMs) throw new Error(`limits.pin: maxLockMs (${pin.maxLockMs}) is below baseLockMs (${pin.baseLockMs})`);
  return { pin, replayWindowMs: config?.replayWindowMs ?? DEFAULT_LIMITS.replayWindowMs };
}

/** Parses the `--limits` JSON text of the simulated point. */
export function parseLimits(text: string, source: string): Limits {
  return resolveLimits(parseJsonWithSchema(LimitsSchema, text, source));
}
