import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { OpeningRulesEngine, defaultRulesNiedersachsen, type CourierAccess, type OpeningEvaluation, type OpeningRules } from './openingRules.ts';
import { parseOpeningRules } from './openingRulesSchema.ts';
import type { Bundesland } from './holidays.ts';

/** Where the rules in force are kept: the ledger's materialised state and its append feed. */
export interface RulesSource {
  readonly state: { openingRules(): object | undefined };
  onAppended(listener: (e: { type: string }) => void): () => void;
}

/**
 * The opening rules in force: the last `opening-rules.set` in the ledger (from the backoffice),
 * else the default rules for the point's Bundesland (Niedersachsen's shape, the state's holidays).
 * Re-read whenever the ledger records new rules.
 */
export class CurrentOpeningRules implements OpeningRules {
  private engine: OpeningRulesEngine;

  constructor(
    private readonly ledger: RulesSource,
    private readonly bundesland: Bundesland,
    private readonly logger: Logger,
  ) {
    this.engine = this.load();
    ledger.onAppended((e) => {
      if (e.type === 'opening-rules.set') this.engine = this.load();
    });
  }

  evaluate(atMs: number): OpeningEvaluation {
    return this.engine.evaluate(atMs);
  }

  get courierAccess(): CourierAccess {
    return this.engine.courierAccess;
  }

  private load(): OpeningRulesEngine {
    const stored = this.ledger.state.openingRules();
    if (stored) {
      try {
        return new OpeningRulesEngine(parseOpeningRules(stored));
      } catch (err) {
        this.logger.error({ err }, 'stored opening rules are invalid; using the defaults');
      }
    }
    return new OpeningRulesEngine({ ...defaultRulesNiedersachsen(), state: this.bundesland });
  }
}
