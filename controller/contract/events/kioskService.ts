/**
 * Ledger events of the kiosk's service side (issue 10): a receipt printed on request (every
 * attempt with the printer's outcome; the sale itself is already committed and never depends on
 * the printer), the technician's sign-in and its brute-force guard, and the out-of-service switch
 * a technician sets at the kiosk (customers then see the out-of-service screen).
 */
import { Type } from 'typebox';
import { defineEvents, EpochMs, Id, type PayloadsOf } from './define.ts';

const obj = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });

export const kioskServiceEvents = defineEvents({
  'sale.receipt-printed': {
    summary: 'A customer asked for a printed receipt of a committed sale; the printer’s outcome (printed, paper out, …) and whether the job bytes were sent.',
    versions: [
      obj({
        saleId: Id,
        /** The printer driver's outcome (firmware-bridge/escpos/printer.ts `PrintOutcome`), or no printer at this point. */
        outcome: Type.Union([
          Type.Literal('printed'),
          Type.Literal('paper-out'),
          Type.Literal('cover-open'),
          Type.Literal('offline'),
          Type.Literal('error'),
          Type.Literal('no-answer'),
          Type.Literal('status-unknown'),
          Type.Literal('no-printer'),
        ]),
        /** The job bytes reached the printer (with an outcome other than `printed`: the receipt may be incomplete). */
        sent: Type.Boolean(),
        /** The ledger sequence printed on the receipt (the sale's `sale.committed`). */
        ledgerSeq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      }),
    ],
  },
  'technician.signed-in': {
    summary: 'A technician entered the right technician PIN at the kiosk (hardware status, out-of-service switch).',
    versions: [obj({ at: EpochMs })],
  },
  'technician.guard': {
    summary: 'The technician PIN guard: consecutive wrong PINs and the lock (monotonic deadline with its boot), so a restart keeps the lock.',
    versions: [
      obj({
        failures: Type.Integer({ minimum: 0 }),
        lockedUntil: Type.Union([EpochMs, Type.Null()]),
        lockMs: Type.Integer({ minimum: 0 }),
        bootId: Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()]),
        monoUntil: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      }),
    ],
  },
  'kiosk.service-set': {
    summary: 'A technician took the kiosk out of service (customers see the out-of-service screen) or put it back.',
    versions: [obj({ outOfService: Type.Boolean(), by: Type.Literal('technician'), at: EpochMs })],
  },
});
export type KioskServicePayloads = PayloadsOf<typeof kioskServiceEvents>;
