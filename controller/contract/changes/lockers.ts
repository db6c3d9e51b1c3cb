/**
 * Downlink change bodies of the parcel lockers (kinds `pickup-codes`, `order.packed`,
 * `compartment.reset`). Shapes only; the point's rules (slot reuse, unknown compartments) are in
 * controller/lockers/changes.ts.
 */
import { Type, type Static } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 200 });
const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Compartment = Type.String({ pattern: '^[A-Z][0-9]{1,3}$' });

export const PickupCodeWire = Type.Object(
  {
    codeId: Id,
    slot: Type.Integer({ minimum: 0, maximum: 999 }),
    salt: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }),
    hash: Type.String({ pattern: '^[A-Za-z0-9_-]{32,128}$' }),
    scryptN: Type.Integer({ minimum: 1024, maximum: 1048576 }),
    validFrom: EpochMs,
    validUntil: EpochMs,
  },
  { additionalProperties: false },
);

/** `pickup-codes`: a batch of pre-issued codes (salted hashes only) for the point's pool. */
export const PickupCodesChange = Type.Object({ codes: Type.Array(PickupCodeWire, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });

/** `order.packed`: the operator placed a click-and-collect order into a compartment, with its code. */
export const OrderPackedChange = Type.Object(
  { orderId: Id, compartment: Compartment, code: PickupCodeWire, packedAt: EpochMs },
  { additionalProperties: false },
);

/** `compartment.reset`: an operator checked an out-of-service compartment and puts it back. */
export const CompartmentResetChange = Type.Object(
  { compartment: Compartment, operator: Type.String({ minLength: 1, maxLength: 200 }), note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export type PickupCodeWireBody = Static<typeof PickupCodeWire>;
export type PickupCodesChangeBody = Static<typeof PickupCodesChange>;
export type OrderPackedChangeBody = Static<typeof OrderPackedChange>;
export type CompartmentResetChangeBody = Static<typeof CompartmentResetChange>;
