/** Ledger events of the hardware layer's health (controller/hardware): a board or input changed status. */
import { Type } from 'typebox';
import { defineEvents, type PayloadsOf } from './define.ts';

export const hardwareEvents = defineEvents({
  'hardware.status': {
    summary: 'A serial board, GPIO line or probe changed status (ok, lost, fault, …); only changes are recorded.',
    versions: [
      Type.Object(
        {
          kind: Type.String({ minLength: 1, maxLength: 40 }),
          id: Type.String({ minLength: 1, maxLength: 80 }),
          name: Type.String({ maxLength: 200 }),
          status: Type.String({ minLength: 1, maxLength: 40 }),
          previous: Type.Union([Type.String({ maxLength: 40 }), Type.Null()]),
          detail: Type.Optional(Type.String({ maxLength: 2000 })),
        },
        { additionalProperties: false },
      ),
    ],
  },
});
export type HardwarePayloads = PayloadsOf<typeof hardwareEvents>;
