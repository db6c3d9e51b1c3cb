import { Compile } from 'typebox/compile';
import { schemaProblems } from '../../firmware-bridge/platform/validation.ts';
import { FridgeCorrectiveActionBody, type FridgeCorrectiveAction } from '../contract/changes/fridges.ts';
import { ChangeRejected, type ChangeEvent } from '../sync/changeApplier.ts';

const check = Compile(FridgeCorrectiveActionBody);

/**
 * Turns a `fridge.corrective-action` change body into its ledger event, or refuses it with
 * `ChangeRejected` (the change applier then advances the version with outcome `rejected`):
 * a malformed body, an unknown fridge, or an actionId already applied (a second delivery of the
 * same action changes nothing).
 */
export function correctiveActionEvents(
  body: unknown,
  known: { hasFridge(id: string): boolean; isApplied(actionId: string): boolean; isBlocked(id: string): boolean },
): ChangeEvent[] {
  if (!check.Check(body)) {
    throw new ChangeRejected(`fridge.corrective-action change is invalid: ${schemaProblems(FridgeCorrectiveActionBody, body).slice(0, 5).join('; ')}`);
  }
  const b: FridgeCorrectiveAction = body;
  if (!known.hasFridge(b.fridgeId)) throw new ChangeRejected(`fridge.corrective-action: no fridge "${b.fridgeId}" at this point`);
  if (known.isApplied(b.actionId)) throw new ChangeRejected(`fridge.corrective-action: action ${b.actionId} was already applied; nothing changed`);
  return [
    { type: 'fridge.corrective-action', data: { fridgeId: b.fridgeId, actionId: b.actionId, by: b.by, note: b.note, lifted: known.isBlocked(b.fridgeId) } },
  ];
}
