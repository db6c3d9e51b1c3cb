/**
 * Ledger events of the door (controller/machines/door): what the strike, the contact and the
 * fire input did, and the door's own alarms (held open, forced open, fire).
 */
import { Type } from 'typebox';
import { defineEvents, DurationMs, type PayloadsOf } from './define.ts';

const obj = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });
const GrantId = Type.Integer({ minimum: 0 });
const Outcome = Type.String({ minLength: 1, maxLength: 40 });
const Empty = obj({});
/** The fire events carry `faulted: true` when recorded by a faulted door controller. */
const FireData = obj({ faulted: Type.Optional(Type.Boolean()) });

export const doorEvents = defineEvents({
  'door.released': {
    summary: 'The strike was released: for a grant (credential, remote release) or an exit request.',
    versions: [
      Type.Union([obj({ by: Type.Literal('grant'), grantId: GrantId, durationMs: DurationMs }), obj({ by: Type.Literal('exit'), durationMs: DurationMs })]),
    ],
  },
  'door.grant-ended': {
    summary: 'A grant ended: opened, expired, superseded, fire, stopped.',
    versions: [obj({ grantId: GrantId, outcome: Outcome })],
  },
  'door.grant-ignored': {
    summary: 'A grant was not carried out (door open, fire).',
    versions: [obj({ outcome: Outcome, grantId: Type.Union([GrantId, Type.Null()]) })],
  },
  'door.exit-request': { summary: 'The exit button was pressed, with what the door made of it.', versions: [obj({ outcome: Outcome })] },
  'door.egress-ended': { summary: 'An exit release ended without the door opening.', versions: [obj({ outcome: Outcome })] },
  'door.opened': {
    summary: 'The door contact opened: via a grant, the exit button, or while the fire input held it released.',
    versions: [obj({ via: Type.Union([Type.Literal('grant'), Type.Literal('exit'), Type.Literal('fire')]), grantId: Type.Optional(GrantId) })],
  },
  'door.closed': { summary: 'The door contact closed.', versions: [Empty] },
  'door.open-at-boot': { summary: 'The door stood open when the controller started.', versions: [Empty] },
  'door.machine-error': {
    summary: 'The door state machine failed; outputs were forced safe and the machine restarted or faulted.',
    versions: [
      obj({
        error: Type.String({ maxLength: 2000 }),
        action: Type.Union([Type.Literal('restarted'), Type.Literal('faulted')]),
        restartsInWindow: Type.Integer({ minimum: 0 }),
      }),
    ],
  },
  'door.state': {
    summary: 'The door state recorded for the materialised state (older software).',
    versions: [obj({ state: Type.String({ minLength: 1, maxLength: 100 }) })],
  },
  'alarm.held-open': { summary: 'The door was held open longer than allowed (siren).', versions: [obj({ openForMs: DurationMs })] },
  'alarm.forced-open': { summary: 'The door opened without a grant (siren until it closes).', versions: [Empty] },
  // 'alarm.cleared' v1 ({alarm, cause}) is declared with the alarm model (alarms.ts), whose v2 it became.
  'alarm.fire': { summary: 'The fire input became active: every escape door released and held.', versions: [FireData] },
  'alarm.fire-cleared': { summary: 'The fire input became inactive.', versions: [FireData] },
});
export type DoorPayloads = PayloadsOf<typeof doorEvents>;
