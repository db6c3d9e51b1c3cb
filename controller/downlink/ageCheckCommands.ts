/**
 * `age-check.decide`: an operator's answer to a remote age check, handed to the checkout, which
 * applies it only to that open check of that sale, once, before its deadline. Anything else (a
 * check of another sale, an expired or already decided check, a sale that has ended, an unknown
 * check) is refused with the checkout's reason and changes nothing. The sync client has already
 * refused replays of the same command id and expired commands.
 */
import { Compile } from 'typebox/compile';
import { AgeCheckDecideCommand } from '../contract/commands/ageCheck.ts';
import type { CheckoutService } from '../machines/checkout/checkoutService.ts';
import { CommandRefused, type CommandHandler } from '../sync/commandRunner.ts';

const bodyCheck = Compile(AgeCheckDecideCommand);

export function ageCheckCommandHandlers(deps: { checkout: Pick<CheckoutService, 'remoteAgeDecision'> }): Record<string, CommandHandler> {
  return {
    'age-check.decide': (body) => {
      if (!bodyCheck.Check(body)) throw new CommandRefused('invalid-body', 'age-check.decide needs { saleId, checkId, approved, operator }');
      const r = deps.checkout.remoteAgeDecision(body);
      if (!r.ok) throw new CommandRefused(r.reason, r.detail);
      return { decided: true, approved: body.approved, saleState: r.view.state };
    },
  };
}
