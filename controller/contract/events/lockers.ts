/**
 * Ledger events of the parcel lockers (controller/lockers). Compartment state is rebuilt from
 * these at start; pickup codes appear only as ids, salts and hashes, never in plain text.
 */
import { Type } from 'typebox';
import { defineEvents, DurationMs, EpochMs, Id, type PayloadsOf } from './define.ts';

const Compartment = Type.String({ minLength: 1, maxLength: 40 });
const Board = Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()]);
const Lock = Type.Union([Type.Integer({ minimum: 1, maximum: 48 }), Type.Null()]);
const Detail = Type.String({ maxLength: 500 });
const Size = Type.Union([Type.Literal('S'), Type.Literal('M'), Type.Literal('L')]);
const Where = { compartment: Compartment, board: Board, lock: Lock };
/** Why a compartment is opened: the flow that asked. */
const Purpose = Type.Union([Type.Literal('drop-off'), Type.Literal('pickup'), Type.Literal('remote'), Type.Literal('other')]);
const obj = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });

export const lockerEvents = defineEvents({
  'locker.configured': {
    summary:
      "The point's compartments as its profile declares them (written at start when they differ from the last such event; none written while a point never had any).",
    versions: [
      obj({
        compartments: Type.Array(obj({ compartment: Compartment, size: Size, board: Board, lock: Lock }), { maxItems: 256 }),
      }),
    ],
  },
  'locker.open-requested': {
    summary: 'An open of a compartment is about to be sent to its lock board (recorded before any byte).',
    versions: [obj({ ...Where, requestId: Type.Optional(Id), purpose: Type.Optional(Purpose) })],
  },
  'locker.opened': {
    summary: 'The lock board confirmed the open (reply, late reply or read-back).',
    versions: [obj({ ...Where, confirmedBy: Type.String({ maxLength: 40 }), detail: Detail, requestId: Type.Optional(Id) })],
  },
  'locker.not-opened': {
    summary: 'The compartment did not open (refused, board busy/nak, or the lock is still latched on read-back).',
    versions: [obj({ ...Where, reason: Type.String({ maxLength: 60 }), detail: Detail, requestId: Type.Optional(Id) })],
  },
  'locker.open-unknown': {
    summary: 'The open may have reached the board but its outcome could not be read; never resent.',
    versions: [obj({ ...Where, reason: Type.String({ maxLength: 60 }), detail: Detail, requestId: Type.Optional(Id) })],
  },
  'locker.closed': {
    summary: 'A compartment door opened by a request was seen latched again.',
    versions: [obj({ compartment: Compartment, requestId: Id, openMs: DurationMs })],
  },
  'locker.held-open': {
    summary: 'A compartment door stayed open longer than allowed (an alarm is raised).',
    versions: [obj({ compartment: Compartment, requestId: Id, openMs: DurationMs })],
  },
  'compartment.reserved': {
    summary: 'A free compartment was reserved for a drop-off (best fit S→M→L).',
    versions: [obj({ compartment: Compartment, size: Size, requested: Size, sessionId: Id })],
  },
  'compartment.released': {
    summary: 'A reservation ended without a parcel (cancelled, timed out, or the compartment failed).',
    versions: [obj({ compartment: Compartment, sessionId: Id, reason: Type.String({ maxLength: 60 }) })],
  },
  'compartment.freed': {
    summary: 'A compartment is free again (parcel collected or taken back, door closed).',
    versions: [obj({ compartment: Compartment, reason: Type.String({ maxLength: 60 }) })],
  },
  'compartment.out-of-service': {
    summary: 'A compartment is taken out of service (did not open, open outcome unknown) until an operator resets it.',
    versions: [obj({ compartment: Compartment, reason: Type.String({ maxLength: 60 }), detail: Detail })],
  },
  'compartment.back-in-service': {
    summary: 'An operator reset an out-of-service compartment (downlink change).',
    versions: [obj({ compartment: Compartment, operator: Type.String({ minLength: 1, maxLength: 200 }), note: Type.Optional(Detail) })],
  },
  'pickup-code.issued': {
    summary: 'The backoffice pre-issued a pickup code to this point (salted hash only).',
    versions: [
      obj({
        codeId: Id,
        slot: Type.Integer({ minimum: 0, maximum: 999 }),
        salt: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }),
        hash: Type.String({ pattern: '^[A-Za-z0-9_-]{32,128}$' }),
        scryptN: Type.Integer({ minimum: 1024, maximum: 1048576 }),
        validFrom: EpochMs,
        validUntil: EpochMs,
      }),
    ],
  },
  'parcel.deposited': {
    summary: 'A courier deposited a parcel; the next pool code (its id only) is assigned to it.',
    versions: [
      obj({
        parcelId: Id,
        reference: Type.String({ minLength: 1, maxLength: 64 }),
        compartment: Compartment,
        size: Size,
        codeId: Id,
        courierId: Id,
        credentialId: Id,
        /** Trusted time (server time + monotonic) of the deposit, for the uncollected flag. */
        depositedAt: EpochMs,
      }),
    ],
  },
  'order.packed': {
    summary: 'A click-and-collect order was placed into a compartment by the operator (downlink change).',
    versions: [obj({ orderId: Id, parcelId: Id, compartment: Compartment, codeId: Id, packedAt: EpochMs })],
  },
  'parcel.collected': {
    summary: 'A parcel was collected with its pickup code: the code is used up.',
    versions: [obj({ parcelId: Id, compartment: Compartment, codeId: Id, via: Type.Union([Type.Literal('keypad'), Type.Literal('qr'), Type.Literal('api')]) })],
  },
  'parcel.uncollected': {
    summary: 'A parcel lay in its compartment longer than the configured days (flagged once).',
    versions: [obj({ parcelId: Id, compartment: Compartment, days: Type.Integer({ minimum: 1, maximum: 365 }), depositedAt: EpochMs })],
  },
  'parcel.taken-back': {
    summary: 'The operator opened a compartment remotely and took its parcel back.',
    versions: [obj({ parcelId: Id, compartment: Compartment, commandId: Id, operator: Type.String({ minLength: 1, maxLength: 200 }) })],
  },
  'locker.remote-open': {
    summary: 'A remote open command from the backoffice, with who asked (recorded before the open).',
    versions: [
      obj({ compartment: Compartment, commandId: Id, operator: Type.String({ minLength: 1, maxLength: 200 }), reason: Type.String({ maxLength: 500 }) }),
    ],
  },
  'locker.full': {
    summary: 'A courier found no free compartment of the requested size or larger.',
    versions: [
      obj({
        size: Size,
        courierId: Id,
        free: Type.Object(
          { S: Type.Integer({ minimum: 0 }), M: Type.Integer({ minimum: 0 }), L: Type.Integer({ minimum: 0 }) },
          { additionalProperties: false },
        ),
      }),
    ],
  },
  'locker.codes-exhausted': {
    summary: 'A drop-off was refused because the point holds no valid unassigned pickup code (operator: issue more).',
    versions: [obj({ courierId: Id })],
  },
  'pickup.failed': {
    summary: 'A pickup code was refused (unknown, wrong, used, expired); never the code itself.',
    versions: [
      obj({
        reason: Type.Union([
          Type.Literal('unknown-code'),
          Type.Literal('wrong-code'),
          Type.Literal('used'),
          Type.Literal('expired'),
          Type.Literal('not-yet-valid'),
          Type.Literal('not-assigned'),
        ]),
        slot: Type.Union([Type.Integer({ minimum: 0, maximum: 999 }), Type.Null()]),
        codeId: Type.Union([Id, Type.Null()]),
      }),
    ],
  },
  'courier.refused': {
    summary: 'A credential presented for a drop-off was refused (not a courier, invalid, revoked, expired).',
    versions: [
      obj({
        reason: Type.String({ maxLength: 60 }),
        credentialId: Type.Union([Id, Type.Null()]),
        role: Type.Union([Type.String({ maxLength: 20 }), Type.Null()]),
      }),
    ],
  },
});

export type LockerPayloads = PayloadsOf<typeof lockerEvents>;
export type LockerEventType = keyof typeof lockerEvents;
