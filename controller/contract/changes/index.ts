/**
 * Every downlink change kind and its body schema (`down/changes` `{kind, body}`). The point's
 * appliers (controller/downlink) and the backoffice's publisher both import these, so a body the
 * backoffice can publish is exactly a body the point accepts.
 */
import type { Static, TSchema } from 'typebox';
import { MembersChangeSchema, RevocationsChangeSchema } from './access.ts';
import { CatalogChangeSchema } from './catalog.ts';
import { OpeningRulesSchema } from './openingRules.ts';

export const changeSchemas = {
  members: MembersChangeSchema,
  revocations: RevocationsChangeSchema,
  'opening-rules': OpeningRulesSchema,
  catalog: CatalogChangeSchema,
} as const satisfies Record<string, TSchema>;

export type ChangeKind = keyof typeof changeSchemas;
export type ChangeBody<K extends ChangeKind> = Static<(typeof changeSchemas)[K]>;

export * from './access.ts';
export * from './openingRules.ts';
export * from './catalog.ts';
