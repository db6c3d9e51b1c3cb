import { Type, type Static } from 'typebox';

/**
 * Downlink change `fridge.corrective-action`: an operator recorded what was done about a
 * cold-chain breach (products discarded, compressor repaired, ...). It lifts the fridge's block
 * exactly once: a second delivery with the same `actionId` changes nothing.
 */
export const FRIDGE_CORRECTIVE_ACTION = 'fridge.corrective-action';

export const FridgeId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$' });

export const FridgeCorrectiveActionBody = Type.Object(
  {
    fridgeId: FridgeId,
    /** Chosen by the backoffice, unique per action; the point applies each id once. */
    actionId: Type.String({ minLength: 1, maxLength: 200 }),
    /** Operator id or name who recorded the action. */
    by: Type.String({ minLength: 1, maxLength: 200 }),
    /** What was done (HACCP: the corrective action must be written down). */
    note: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

export type FridgeCorrectiveAction = Static<typeof FridgeCorrectiveActionBody>;
