// Payment commands over the order stream: delivery fee and discount, recording and refunding a
// payment, a customer's payment proof, and asking for the receipt to be sent. Pure decide.
import { z } from 'zod';
import { isoTimestamp, money, paymentMethod, paymentReference, uuid, type NoviEventOf } from '../events/catalog.ts';
import type { Command } from '../shared/command-handler.ts';
import { IllegalState, NotFound, ValidationError } from '../shared/errors.ts';
import { chargedTotal, type OrderState } from '../orders/order.ts';

export const paymentCommandSchemas = {
  SetOrderCharges: z.object({ orderId: uuid, businessId: uuid, deliveryFee: money, discount: money }),
  RecordPayment: z.object({
    orderId: uuid,
    businessId: uuid,
    method: paymentMethod,
    reference: paymentReference.nullable().default(null),
    amount: money.nullable().default(null),
    proofMessageId: z.string().min(1).max(300).nullable().default(null),
  }),
  RefundPayment: z.object({ orderId: uuid, businessId: uuid, reason: z.string().trim().max(500).nullable().default(null) }),
  AttachPaymentProof: z.object({
    orderId: uuid,
    businessId: uuid,
    groupId: uuid,
    messageId: z.string().min(1).max(300),
    text: z.string().transform((s) => s.slice(0, 2000)),
    reference: paymentReference.nullable(),
    method: paymentMethod.nullable(),
    hasMedia: z.boolean(),
    receivedAt: isoTimestamp,
  }),
  RequestReceipt: z.object({ orderId: uuid, businessId: uuid }),
} as const;

type Data<K extends keyof typeof paymentCommandSchemas> = z.output<(typeof paymentCommandSchemas)[K]>;
export type PaymentCommand =
  | Command<'SetOrderCharges', Data<'SetOrderCharges'>>
  | Command<'RecordPayment', Data<'RecordPayment'>>
  | Command<'RefundPayment', Data<'RefundPayment'>>
  | Command<'AttachPaymentProof', Data<'AttachPaymentProof'>>
  | Command<'RequestReceipt', Data<'RequestReceipt'>>;

export type PaymentEvent = NoviEventOf<'OrderChargesSet' | 'OrderUpdated' | 'PaymentRecorded' | 'PaymentRefunded' | 'PaymentProofReceived' | 'ReceiptSendRequested'>;

type Placed = Extract<OrderState, { kind: 'placed' }>;

function placed(state: OrderState, orderId: string, businessId: string): Placed {
  if (state.kind !== 'placed' || state.orderId !== orderId || state.businessId !== businessId) throw new NotFound(`Order ${orderId} not found`);
  return state;
}

/** Whether a customer's proof may still attach to the order: not cancelled, not paid yet. */
export const acceptsProof = (o: Placed): boolean => o.status !== 'cancelled' && o.payment.status !== 'paid';

export function decidePayment(command: PaymentCommand, state: OrderState): PaymentEvent[] {
  const now = command.metadata.now.toISOString();
  switch (command.type) {
    case 'SetOrderCharges': {
      const d = command.data;
      const o = placed(state, d.orderId, d.businessId);
      if (o.status === 'cancelled') throw new IllegalState(`Order #${o.number} is cancelled; its charges can no longer change`);
      if (o.payment.status === 'paid') throw new IllegalState(`Order #${o.number} is paid; refund it before changing its charges`);
      if (d.deliveryFee === o.charges.deliveryFee && d.discount === o.charges.discount) return [];
      // The items' amount: today's total without the charges it already includes.
      const base = o.totalAmount === null ? null : (Math.round(o.totalAmount * 100) - Math.round(o.charges.deliveryFee * 100) + Math.round(o.charges.discount * 100)) / 100;
      if (base !== null && Math.round(d.discount * 100) > Math.round(base * 100) + Math.round(d.deliveryFee * 100)) {
        throw new ValidationError(`Invalid charges: discount: must be at most the items and delivery fee (${(base + d.deliveryFee).toFixed(2)}); a total is never negative`, [
          { path: 'discount', message: 'must be at most the items total plus the delivery fee' },
        ]);
      }
      const events: PaymentEvent[] = [{ type: 'OrderChargesSet', data: { orderId: o.orderId, businessId: o.businessId, deliveryFee: d.deliveryFee, discount: d.discount } }];
      const total = chargedTotal(base, d);
      if (total !== o.totalAmount) events.push({ type: 'OrderUpdated', data: { orderId: o.orderId, businessId: o.businessId, totalAmount: total, reason: 'edit' } });
      return events;
    }
    case 'RecordPayment': {
      const d = command.data;
      const o = placed(state, d.orderId, d.businessId);
      if (o.payment.status === 'paid') throw new IllegalState(`Order #${o.number} is already paid`);
      if (o.status === 'cancelled') throw new IllegalState(`Order #${o.number} is cancelled; it cannot be paid`);
      if (d.proofMessageId !== null && !o.proofs.includes(d.proofMessageId)) throw new NotFound(`No payment proof ${d.proofMessageId} on order #${o.number}`);
      return [{ type: 'PaymentRecorded', data: { orderId: o.orderId, businessId: o.businessId, method: d.method, reference: d.reference, amount: d.amount, proofMessageId: d.proofMessageId, recordedAt: now } }];
    }
    case 'RefundPayment': {
      const d = command.data;
      const o = placed(state, d.orderId, d.businessId);
      if (o.payment.status !== 'paid') throw new IllegalState(`Order #${o.number} is ${o.payment.status}; only a paid order can be refunded`);
      return [{ type: 'PaymentRefunded', data: { orderId: o.orderId, businessId: o.businessId, reason: d.reason, refundedAt: now } }];
    }
    case 'AttachPaymentProof': {
      const d = command.data;
      const o = placed(state, d.orderId, d.businessId);
      if (o.proofs.includes(d.messageId)) return [];
      if (!acceptsProof(o)) throw new IllegalState(`Order #${o.number} takes no payment proof (${o.status === 'cancelled' ? 'cancelled' : 'already paid'})`);
      return [{ type: 'PaymentProofReceived', data: { ...d } }];
    }
    case 'RequestReceipt': {
      const d = command.data;
      const o = placed(state, d.orderId, d.businessId);
      return [{ type: 'ReceiptSendRequested', data: { orderId: o.orderId, businessId: o.businessId, requestedAt: now } }];
    }
    default: {
      const unhandled: never = command;
      throw new ValidationError(`Unknown payment command ${(unhandled as { type: string }).type}`);
    }
  }
}
