/**
 * Every remote command kind and its body schema (`down/commands` `{kind, body}`), shared by the
 * point's handlers (controller/downlink/commands.ts) and the backoffice's sender.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { AgeCheckDecideCommand } from './ageCheck.ts';
import { LockerOpenCommand } from './lockers.ts';

/** Longest door release a command may ask for (ms). */
export const MAX_REMOTE_RELEASE_MS = 60_000;

/** `door.release`: an operator releases the door remotely ("Frau Meier is at the door without her card"). */
export const DoorReleaseCommandSchema = Type.Object(
  {
    durationMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: MAX_REMOTE_RELEASE_MS })),
    /** Who asked (the operator's account name), for the point's ledger. */
    operator: Type.String({ minLength: 1, maxLength: 200 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type DoorReleaseCommand = Static<typeof DoorReleaseCommandSchema>;

export const commandSchemas = {
  'door.release': DoorReleaseCommandSchema,
  'locker.open': LockerOpenCommand,
  'age-check.decide': AgeCheckDecideCommand,
} as const satisfies Record<string, TSchema>;

export type CommandKind = keyof typeof commandSchemas;
export type CommandBody<K extends CommandKind> = Static<(typeof commandSchemas)[K]>;
