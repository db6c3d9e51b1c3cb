import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { CommandRefused, type CommandHandler } from '../sync/commandRunner.ts';
import { MAX_GRANT_MS, type GrantRequest, type GrantResult } from '../machines/door/doorController.ts';

/**
 * Remote commands from the backoffice. The sync client has already refused replays and expired
 * or stale-session commands before a handler runs.
 *
 * `door.release`: an operator's remote release ("Frau Meier is at the door without her card").
 */
const ReleaseBody = Type.Object(
  {
    durationMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: MAX_GRANT_MS })),
    operator: Type.String({ minLength: 1, maxLength: 200 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
const releaseCheck = Compile(ReleaseBody);

export interface CommandDoor {
  grant(request: GrantRequest): GrantResult;
}

export function commandHandlers(deps: { door: CommandDoor; record: (type: string, data: Record<string, unknown>) => void }): Record<string, CommandHandler> {
  return {
    'door.release': (body, command) => {
      if (!releaseCheck.Check(body)) throw new CommandRefused('invalid-body', 'door.release needs { operator, durationMs?: 1000..60000, note? }');
      deps.record('door.remote-release', { commandId: command.id, operator: body.operator, note: body.note ?? null });
      const result = deps.door.grant({ reason: 'remote-release', ...(body.durationMs ? { durationMs: body.durationMs } : {}) });
      return result.accepted ? { released: true, grantId: result.grantId } : { released: false, reason: result.reason };
    },
  };
}
