/** The event catalogue (catalogue.ts) and its decoder (decode.ts); see README.md in this folder. */
export * from './catalogue.ts';
export * from './decode.ts';
export { Cents, DurationMs, EpochMs, Id, type PayloadsOf } from './define.ts';
