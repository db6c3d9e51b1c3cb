/** Remote command bodies of the parcel lockers. */
import { Type, type Static } from 'typebox';

/**
 * `locker.open`: an operator opens a compartment remotely (take an uncollected parcel back, or
 * check a compartment). `takeBack` ends the parcel's stay (`parcel.taken-back`).
 */
export const LockerOpenCommand = Type.Object(
  {
    compartment: Type.String({ pattern: '^[A-Z][0-9]{1,3}$' }),
    operator: Type.String({ minLength: 1, maxLength: 200 }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    takeBack: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type LockerOpenCommandBody = Static<typeof LockerOpenCommand>;
