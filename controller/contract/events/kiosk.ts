/** Ledger events of the kiosk (kiosk-ui, controller/http/routes/help.ts): what a person at the touchscreen asked for. */
import { Type } from 'typebox';
import { defineEvents, EpochMs, type PayloadsOf } from './define.ts';

export const kioskEvents = defineEvents({
  'help.requested': {
    summary: 'A person at the kiosk asked for help (the backoffice shows it; an operator may answer by releasing the door).',
    versions: [
      Type.Object(
        {
          at: EpochMs,
          /** The kiosk screen the person was on (`welcome`, `pickup`, `courier`, `help`, …). */
          screen: Type.String({ minLength: 1, maxLength: 40 }),
        },
        { additionalProperties: false },
      ),
    ],
  },
});
export type KioskPayloads = PayloadsOf<typeof kioskEvents>;
