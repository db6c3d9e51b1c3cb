import { Compile } from 'typebox/compile';
import { DoorReleaseCommandSchema } from '../contract/commands/index.ts';
import type { RecordFn } from '../ledger/recorder.ts';
import { CommandRefused, type CommandHandler } from '../sync/commandRunner.ts';
import type { GrantRequest, GrantResult } from '../machines/door/doorController.ts';

/**
 * Remote commands from the backoffice. The sync client has already refused replays and expired
 * or stale-session commands before a handler runs.
 *
 * `door.release`: an operator's remote release ("Frau Meier is at the door without her card").
 */
const ReleaseBody = DoorReleaseCommandSchema;
const releaseCheck = Compile(ReleaseBody);

export interface CommandDoor {
  grant(request: GrantRequest): GrantResult;
}

export function commandHandlers(deps: { door: CommandDoor; record: RecordFn }): Record<string, CommandHandler> {
  return {
    'door.release': (body, command) => {
      if (!releaseCheck.Check(body)) throw new CommandRefused('invalid-body', 'door.release needs { operator, durationMs?: 1000..60000, note? }');
      deps.record('door.remote-release', { commandId: command.id, operator: body.operator, note: body.note ?? null });
      const result = deps.door.grant({ reason: 'remote-release', ...(body.durationMs ? { durationMs: body.durationMs } : {}) });
      return result.accepted ? { released: true, grantId: result.grantId } : { released: false, reason: result.reason };
    },
  };
}
