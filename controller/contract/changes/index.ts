/**
 * Every downlink change kind and its body schema (`down/changes` `{kind, body}`). The point's
 * appliers (controller/downlink) and the backoffice's publisher both import these, so a body the
 * backoffice can publish is exactly a body the point accepts.
 */
import type { Static, TSchema } from 'typebox';
import { MembersChangeSchema, RevocationsChangeSchema } from './access.ts';
import { CatalogChangeSchema } from './catalog.ts';
import { OpeningRulesSchema } from './openingRules.ts';
import { PaymentWebhookBody } from './payments.ts';
import { ACCOUNT_TERMS, AccountTermsChangeBody, PAYMENT_PHONE, PhonePayChangeBody } from './phonePay.ts';
import { CompartmentResetChange, OrderPackedChange, PickupCodesChange } from './lockers.ts';
import { FRIDGE_CORRECTIVE_ACTION, FridgeCorrectiveActionBody } from './fridges.ts';

export const changeSchemas = {
  members: MembersChangeSchema,
  revocations: RevocationsChangeSchema,
  'opening-rules': OpeningRulesSchema,
  'payment.webhook': PaymentWebhookBody,
  [PAYMENT_PHONE]: PhonePayChangeBody,
  [ACCOUNT_TERMS]: AccountTermsChangeBody,
  'pickup-codes': PickupCodesChange,
  'order.packed': OrderPackedChange,
  'compartment.reset': CompartmentResetChange,
  [FRIDGE_CORRECTIVE_ACTION]: FridgeCorrectiveActionBody,
  catalog: CatalogChangeSchema,
} as const satisfies Record<string, TSchema>;

export type ChangeKind = keyof typeof changeSchemas;
export type ChangeBody<K extends ChangeKind> = Static<(typeof changeSchemas)[K]>;

export * from './access.ts';
export * from './openingRules.ts';
export * from './payments.ts';
export * from './phonePay.ts';
export * from './catalog.ts';
