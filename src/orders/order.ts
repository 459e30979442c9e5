// Order stream (`order-<id>`): its events, its state and how events fold into it.
import type { NoviEventOf, OrderItem, OrderStatus, PaymentMethod, PaymentStatus } from '../events/catalog.ts';

export type OrderEvent = NoviEventOf<
  'OrderPlaced' | 'OrderUpdated' | 'StatusChanged' | 'StatusChangeUndone' | 'OrderChargesSet' | 'PaymentRecorded' | 'PaymentRefunded' | 'PaymentProofReceived' | 'ReceiptSendRequested' | 'OrderChangeRequested'
>;

export const orderStreamId = (orderId: string): string => `order-${orderId}`;

export interface Customer {
  name: string | null;
  phone: string | null;
  address: string | null;
}

export type OrderState =
  | { kind: 'empty' }
  | {
      kind: 'placed';
      orderId: string;
      businessId: string;
      groupId: string;
      number: number;
      status: OrderStatus;
      customer: Customer;
      items: OrderItem[];
      totalAmount: number | null;
      currency: string | null;
      deliveryNotes: string | null;
      sourceMessageId: string;
      /** Who posted the order message (WhatsApp sender id and phone): the customer who may cancel it. */
      placedBy: { id: string | null; phone: string | null };
      /** The latest status change not undone yet: what an undo would take back (null: nothing to undo). */
      lastStatusChange: { from: OrderStatus; to: OrderStatus; at: string | null } | null;
      /** Delivery fee and discount (issue 18): already part of totalAmount. */
      charges: { deliveryFee: number; discount: number };
      payment: { status: PaymentStatus; method: PaymentMethod | null; reference: string | null };
      /** WhatsApp message ids of the payment proofs attached to the order. */
      proofs: string[];
      /** When it was placed: a customer's self-edit window runs from here. */
      placedAt: string;
      /** A customer's change asked by message after the window, until the merchant changes the order. */
      changeRequested: { messageId: string; request: string; text: string; at: string } | null;
      /** What the customer wrote for each current item line (null: unknown), for learning from corrections. */
      itemTexts: Array<string | null>;
      /** Set while the order was placed for review (issue 11 §3): its confidence and doubts. */
      review: NonNullable<NoviEventOf<'OrderPlaced'>['data']['review']> | null;
    };

export const initialOrderState = (): OrderState => ({ kind: 'empty' });

export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      const d = event.data;
      return {
        kind: 'placed',
        orderId: d.orderId,
        businessId: d.businessId,
        groupId: d.groupId,
        number: d.number,
        status: d.review ? 'needs_review' : 'pending',
        customer: { ...d.customer },
        items: d.items,
        totalAmount: d.totalAmount,
        currency: d.currency,
        deliveryNotes: d.deliveryNotes,
        sourceMessageId: d.source.messageId,
        placedBy: { id: d.source.sender.id ?? null, phone: d.source.sender.phone },
        lastStatusChange: null,
        charges: { deliveryFee: 0, discount: 0 },
        payment: { status: 'unpaid', method: null, reference: null },
        proofs: [],
        placedAt: d.placedAt,
        changeRequested: null,
        itemTexts: d.items.map((_, i) => d.itemTexts?.[i] ?? null),
        review: d.review ?? null,
      };
    }
    case 'OrderUpdated': {
      if (state.kind !== 'placed') return state;
      const d = event.data;
      return {
        ...state,
        items: d.items ?? state.items,
        // An edit posts every row in place, so line i keeps what the customer wrote for line i.
        itemTexts: d.items ? d.items.map((_, i) => (d.itemTexts ? (d.itemTexts[i] ?? null) : (state.itemTexts[i] ?? null))) : state.itemTexts,
        customer: { ...state.customer, ...d.customer },
        deliveryNotes: d.deliveryNotes !== undefined ? d.deliveryNotes : state.deliveryNotes,
        totalAmount: d.totalAmount !== undefined ? d.totalAmount : state.totalAmount,
        changeRequested: null,
      };
    }
    case 'StatusChanged':
      return state.kind === 'placed'
        ? { ...state, status: event.data.to, lastStatusChange: { from: event.data.from, to: event.data.to, at: event.data.changedAt ?? null }, changeRequested: null }
        : state;
    case 'StatusChangeUndone':
      // One step back only: the undo itself is not undone, the merchant moves the status on instead.
      return state.kind === 'placed' ? { ...state, status: event.data.to, lastStatusChange: null } : state;
    case 'OrderChargesSet':
      return state.kind === 'placed' ? { ...state, charges: { deliveryFee: event.data.deliveryFee, discount: event.data.discount } } : state;
    case 'PaymentRecorded':
      return state.kind === 'placed' ? { ...state, payment: { status: 'paid', method: event.data.method, reference: event.data.reference } } : state;
    case 'PaymentRefunded':
      return state.kind === 'placed' ? { ...state, payment: { ...state.payment, status: 'refunded' } } : state;
    case 'PaymentProofReceived':
      return state.kind === 'placed' && !state.proofs.includes(event.data.messageId) ? { ...state, proofs: [...state.proofs, event.data.messageId] } : state;
    case 'ReceiptSendRequested':
      return state;
    case 'OrderChangeRequested': {
      const d = event.data;
      return state.kind === 'placed' ? { ...state, changeRequested: { messageId: d.messageId, request: d.request, text: d.text, at: d.requestedAt } } : state;
    }
    default: {
      // Compile-time: a new order event must be handled above. Runtime: unknown events leave state as is.
      const unhandled: never = event;
      void unhandled;
      return state;
    }
  }
}

/** Sum of quantity × unitPrice, or null when any item has no price (the total is then unknown). */
export function itemsTotal(items: readonly OrderItem[]): number | null {
  let total = 0;
  for (const item of items) {
    if (item.unitPrice === null) return null;
    total += item.quantity * item.unitPrice;
  }
  // Money in minor units would be exact; rounding to cents keeps 3 × 0.1 from showing 0.30000000000000004.
  return Math.round(total * 100) / 100;
}

/**
 * The total the customer pays: items + delivery fee − discount, in cents to stay exact, never
 * negative; null when the items total is unknown.
 */
export function chargedTotal(items: number | null, charges: { deliveryFee: number; discount: number }): number | null {
  if (items === null) return null;
  const c = Math.round(items * 100) + Math.round(charges.deliveryFee * 100) - Math.round(charges.discount * 100);
  return Math.max(0, c) / 100;
}
