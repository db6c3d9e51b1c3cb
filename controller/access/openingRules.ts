/** The opening rules engine lives in controller/contract/openingRules/ so the backoffice previews with the same code; this path stays for the point's imports. */
export * from '../contract/openingRules/engine.ts';
