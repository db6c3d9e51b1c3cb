/**
 * Downlink changes of the lockers, as ledger-event mappers for the sync client's ChangeApplier
 * (merge into `changeEvents` in app.ts). A body that does not validate, or that breaks a rule,
 * is rejected whole with the reason (the version still advances, nothing is applied):
 * - `pickup-codes`: a slot may be re-issued only when its current code is not assigned to a
 *   parcel still in a compartment; duplicate slots or code ids within one change are refused.
 * - `order.packed`: the compartment must exist and be free (the operator packed it on site).
 * - `compartment.reset`: the compartment must exist and be out of service.
 */
import { Compile } from 'typebox/compile';
import { schemaProblems } from '../../firmware-bridge/platform/validation.ts';
import {
  CompartmentResetChange,
  OrderPackedChange,
  PickupCodesChange,
  type CompartmentResetChangeBody,
  type OrderPackedChangeBody,
  type PickupCodesChangeBody,
} from '../contract/changes/lockers.ts';
import { ChangeRejected, type ChangeEvent, type ChangeEventMapper } from '../sync/changeApplier.ts';
import type { LockerState } from './state.ts';

const codesCheck = Compile(PickupCodesChange);
const orderCheck = Compile(OrderPackedChange);
const resetCheck = Compile(CompartmentResetChange);

function check<T>(c: { Check(v: unknown): boolean }, schema: Parameters<typeof schemaProblems>[0], body: unknown, kind: string): T {
  if (!c.Check(body)) throw new ChangeRejected(`${kind} change is invalid: ${schemaProblems(schema, body).slice(0, 5).join('; ')}`);
  return body as T;
}

export function lockerChangeEvents(state: () => LockerState): Readonly<Record<string, ChangeEventMapper>> {
  return {
    'pickup-codes'(body) {
      const b = check<PickupCodesChangeBody>(codesCheck, PickupCodesChange, body, 'pickup-codes');
      const slots = new Set<number>();
      const ids = new Set<string>();
      const out: ChangeEvent[] = [];
      for (const c of b.codes) {
        if (slots.has(c.slot) || ids.has(c.codeId)) throw new ChangeRejected(`pickup-codes change names slot ${c.slot} or code ${c.codeId} twice`);
        slots.add(c.slot);
        ids.add(c.codeId);
        if (c.validUntil <= c.validFrom) throw new ChangeRejected(`pickup code ${c.codeId}: validUntil must be after validFrom`);
        const current = state().codes.get(c.slot);
        if (current && current.parcelId !== null && !current.used) {
          throw new ChangeRejected(`pickup code slot ${c.slot} still belongs to parcel ${current.parcelId} (code ${current.codeId}); choose another slot`);
        }
        if (state().codeById(c.codeId)) throw new ChangeRejected(`pickup code ${c.codeId} was issued before`);
        out.push({ type: 'pickup-code.issued', data: { ...c } });
      }
      return out;
    },
    'order.packed'(body) {
      const b = check<OrderPackedChangeBody>(orderCheck, OrderPackedChange, body, 'order.packed');
      const c = state().compartments.get(b.compartment);
      if (!c) throw new ChangeRejected(`order.packed: this point has no compartment ${b.compartment}`);
      if (c.status !== 'free') throw new ChangeRejected(`order.packed: compartment ${b.compartment} is ${c.status}, not free`);
      const current = state().codes.get(b.code.slot);
      if (current && current.parcelId !== null && !current.used) throw new ChangeRejected(`order.packed: pickup code slot ${b.code.slot} is in use`);
      if (b.code.validUntil <= b.code.validFrom) throw new ChangeRejected('order.packed: code validUntil must be after validFrom');
      return [
        { type: 'pickup-code.issued', data: { ...b.code } },
        {
          type: 'order.packed',
          data: { orderId: b.orderId, parcelId: `order-${b.orderId}`, compartment: b.compartment, codeId: b.code.codeId, packedAt: b.packedAt },
        },
      ];
    },
    'compartment.reset'(body) {
      const b = check<CompartmentResetChangeBody>(resetCheck, CompartmentResetChange, body, 'compartment.reset');
      const c = state().compartments.get(b.compartment);
      if (!c) throw new ChangeRejected(`compartment.reset: this point has no compartment ${b.compartment}`);
      if (c.status !== 'out-of-service') throw new ChangeRejected(`compartment.reset: compartment ${b.compartment} is ${c.status}, not out of service`);
      return [{ type: 'compartment.back-in-service', data: { ...b } }];
    },
  };
}
