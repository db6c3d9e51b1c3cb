/** Remote command bodies of the kiosk checkout's remote age check. */
import { Type, type Static } from 'typebox';

/**
 * `age-check.decide`: an operator's answer to a remote age check (`age-check.requested` with method
 * `remote`). The point applies it only to that open check of that sale, once, before its deadline.
 */
export const AgeCheckDecideCommand = Type.Object(
  {
    saleId: Type.String({ minLength: 1, maxLength: 200 }),
    checkId: Type.String({ minLength: 1, maxLength: 200 }),
    approved: Type.Boolean(),
    /** Who decided (the operator's account name), for the point's evidence. */
    operator: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type AgeCheckDecideCommandBody = Static<typeof AgeCheckDecideCommand>;
