// Order commands: their zod schemas and the pure decide over the order stream's state.
import { z } from 'zod';
import { currencyCode, e164, fieldDoubt, isoTimestamp, itemTexts, MAX_FIELD_DOUBTS, money, orderChannel, orderItems, orderStatus, positiveCount, uuid, type NoviEventOf } from '../events/catalog.ts';
import type { Command } from '../shared/command-handler.ts';
import { Forbidden, IllegalState, IllegalStatusTransition, NotFound, ValidationError, Conflict } from '../shared/errors.ts';
import { sameData } from '../shared/equal.ts';
import { chargedTotal, itemsTotal, type OrderEvent, type OrderState } from './order.ts';
import { checkTransition, CUSTOMER_CANCELLABLE, isFinalStatus, statusLabel, UNDO_WINDOW_MS } from './status.ts';
import { SelfEditWindowPassed, withinSelfEditWindow } from './authority.ts';

const customer = z.object({
  name: z.string().trim().max(200).nullable(),
  phone: e164.nullable(),
  address: z.string().trim().max(500).nullable(),
});

/**
 * A customer asking by a WhatsApp message in the order's chat: the sender and, when the business
 * bounds self-service in time, its window (minutes from placement; absent: no window).
 */
const byCustomer = z.object({
  kind: z.literal('customer'),
  senderId: z.string().min(1).max(200),
  phone: e164.nullable(),
  windowMinutes: z.number().int().positive().max(1440).optional(),
});

export const orderCommandSchemas = {
  PlaceOrder: z.object({
    orderId: uuid,
    businessId: uuid,
    groupId: uuid,
    /** Reserved beforehand with reserveOrderNumber (numbers.ts). */
    number: positiveCount,
    customer,
    items: orderItems,
    totalAmount: money.nullable(),
    currency: currencyCode.nullable(),
    deliveryNotes: z.string().trim().max(1000).nullable(),
    source: z.object({
      messageId: z.string().min(1),
      text: z.string(),
      sender: z.object({ id: z.string().min(1).max(200).optional(), name: z.string().nullable(), phone: e164.nullable() }),
      receivedAt: isoTimestamp,
      channel: orderChannel.optional(),
      notifyCustomer: z.boolean().optional(),
    }),
    parserVersion: z.string().min(1).nullable(),
    missing: z.array(z.string()).default([]),
    /** Below the business's auto-accept threshold: placed as needs_review (issue 11 §3). */
    review: z.object({ confidence: z.number().min(0).max(1), threshold: z.number().min(0.5).max(1), ask: z.boolean(), doubts: z.array(fieldDoubt).max(MAX_FIELD_DOUBTS) }).optional(),
    itemTexts: itemTexts.optional(),
  }),
  UpdateOrder: z.object({
    orderId: uuid,
    businessId: uuid,
    items: orderItems.optional(),
    customer: customer.partial().optional(),
    deliveryNotes: z.string().trim().max(1000).nullable().optional(),
    totalAmount: money.nullable().optional(),
    /** `reparse`: a newer parser corrected history; allowed on closed orders, unlike a manual edit. */
    reason: z.enum(['edit', 'reparse', 'customer']).default('edit'),
    /** With reason `customer`: the customer changing their own open order by message (as a cancellation, below). */
    by: byCustomer.optional(),
    itemTexts: itemTexts.optional(),
  }),
  ChangeStatus: z.object({
    orderId: uuid,
    businessId: uuid,
    to: orderStatus,
    reason: z.string().trim().max(500).nullable().default(null),
    source: z.enum(['dashboard', 'whatsapp', 'api']),
    messageId: z.string().min(1).nullable().default(null),
    /**
     * Who asks. `staff`: the merchant (dashboard, API) or a message whose group gives it authority
     * (delivery or admin group, a listed rider; see authority.ts). `customer`: someone in a sales
     * group, who may only cancel an order they placed themselves while it is still open.
     * Absent means staff.
     */
    by: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('staff') }),
        byCustomer,
      ])
      .optional(),
  }),
  /** A customer's change asked by message after the self-edit window: recorded for the merchant, the order unchanged. */
  RequestOrderChange: z.object({
    orderId: uuid,
    businessId: uuid,
    messageId: z.string().min(1).max(300),
    request: z.enum(['add', 'replace', 'remove', 'cancel']),
    text: z.string().max(1000),
    by: byCustomer,
  }),
  UndoStatusChange: z.object({
    orderId: uuid,
    businessId: uuid,
    reason: z.string().trim().max(500).nullable().default(null),
    source: z.enum(['dashboard', 'api']),
  }),
  /**
   * Accept an order waiting for review, as is or corrected (items, address): one OrderUpdated when
   * something changed, then StatusChanged needs_review → `to`. `by: customer` is the customer's
   * "yes" to the bot's question (then only as is, and only the customer who placed it).
   */
  AcceptReview: z.object({
    orderId: uuid,
    businessId: uuid,
    to: z.enum(['pending', 'confirmed']).default('pending'),
    items: orderItems.optional(),
    address: z.string().trim().max(500).nullable().optional(),
    source: z.enum(['dashboard', 'whatsapp', 'api']),
    messageId: z.string().min(1).nullable().default(null),
    by: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('staff') }),
        z.object({ kind: z.literal('customer'), senderId: z.string().min(1).max(200), phone: e164.nullable() }),
      ])
      .default({ kind: 'staff' }),
  }),
} as const;

type Data<K extends keyof typeof orderCommandSchemas> = z.output<(typeof orderCommandSchemas)[K]>;
export type PlaceOrder = Command<'PlaceOrder', Data<'PlaceOrder'>>;
export type UpdateOrder = Command<'UpdateOrder', Data<'UpdateOrder'>>;
export type ChangeStatus = Command<'ChangeStatus', Data<'ChangeStatus'>>;
export type UndoStatusChange = Command<'UndoStatusChange', Data<'UndoStatusChange'>>;
export type RequestOrderChange = Command<'RequestOrderChange', Data<'RequestOrderChange'>>;
export type AcceptReview = Command<'AcceptReview', Data<'AcceptReview'>>;
export type OrderCommand = PlaceOrder | UpdateOrder | ChangeStatus | UndoStatusChange | RequestOrderChange | AcceptReview;

type Placed = Extract<OrderState, { kind: 'placed' }>;

/** Another tenant's order answers exactly like a missing one (404), so ids leak nothing. */
function placedOrder(state: OrderState, orderId: string, businessId: string): Placed {
  if (state.kind !== 'placed' || state.orderId !== orderId || state.businessId !== businessId) {
    throw new NotFound(`Order ${orderId} not found`);
  }
  return state;
}

export function decideOrder(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'UpdateOrder':
      return updateOrder(command, state);
    case 'ChangeStatus':
      return changeStatus(command, state);
    case 'UndoStatusChange':
      return undoStatusChange(command, state);
    case 'RequestOrderChange':
      return requestOrderChange(command, state);
    case 'AcceptReview':
      return acceptReview(command, state);
    default: {
      const unhandled: never = command;
      throw new ValidationError(`Unknown order command ${(unhandled as { type: string }).type}`);
    }
  }
}

function placeOrder({ data, metadata }: PlaceOrder, state: OrderState): NoviEventOf<'OrderPlaced'>[] {
  if (state.kind !== 'empty') throw new Conflict(`Order ${data.orderId} was already placed (#${state.number})`);
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId: data.orderId,
        businessId: data.businessId,
        groupId: data.groupId,
        number: data.number,
        customer: data.customer,
        items: data.items,
        totalAmount: data.totalAmount,
        currency: data.currency,
        deliveryNotes: data.deliveryNotes,
        source: data.source,
        parserVersion: data.parserVersion,
        missing: data.missing,
        placedAt: metadata.now.toISOString(),
        ...(data.review ? { review: data.review } : {}),
        ...(data.itemTexts ? { itemTexts: data.itemTexts } : {}),
      },
    },
  ];
}

/** Emits only what differs from the current order; an edit that changes nothing records nothing. */
function updateOrder({ data, metadata }: UpdateOrder, state: OrderState): NoviEventOf<'OrderUpdated'>[] {
  const order = placedOrder(state, data.orderId, data.businessId);
  if (data.reason === 'customer' || data.by) {
    if (!data.by || data.reason !== 'customer') throw new ValidationError('a customer change has reason "customer" and says who asks');
    checkCustomerChange(order, data.by, metadata.now, 'change');
  }
  if (data.reason !== 'reparse' && isFinalStatus(order.status)) {
    throw new IllegalState(`Order #${order.number} is ${order.status.replace(/_/g, ' ')} and can no longer be edited`);
  }
  if (data.items === undefined && data.customer === undefined && data.deliveryNotes === undefined && data.totalAmount === undefined) {
    throw new ValidationError('Nothing to update: give items, customer, deliveryNotes or totalAmount');
  }
  const change: NoviEventOf<'OrderUpdated'>['data'] = { orderId: order.orderId, businessId: order.businessId, reason: data.reason };
  let changed = false;

  if (data.items !== undefined && !sameData(data.items, order.items)) {
    change.items = data.items;
    if (data.itemTexts) change.itemTexts = data.itemTexts;
    changed = true;
  }
  if (data.customer !== undefined) {
    const diff: Partial<Placed['customer']> = {};
    for (const key of ['name', 'phone', 'address'] as const) {
      const value = data.customer[key];
      if (value !== undefined && value !== order.customer[key]) diff[key] = value;
    }
    if (Object.keys(diff).length > 0) {
      change.customer = diff;
      changed = true;
    }
  }
  if (data.deliveryNotes !== undefined && data.deliveryNotes !== order.deliveryNotes) {
    change.deliveryNotes = data.deliveryNotes;
    changed = true;
  }
  // New items without a new total: the old total described other items, so recompute it (with the
  // delivery fee and discount the merchant set).
  const total = data.totalAmount !== undefined ? data.totalAmount : change.items ? chargedTotal(itemsTotal(change.items), order.charges) : undefined;
  if (total !== undefined && total !== order.totalAmount) {
    change.totalAmount = total;
    changed = true;
  }
  return changed ? [{ type: 'OrderUpdated', data: change }] : [];
}

/** The customer who placed the order: the same WhatsApp sender, or the phone the order was placed with or for. */
export function isOrderCustomer(order: Placed, who: { senderId: string; phone: string | null }): boolean {
  if (order.placedBy.id !== null && order.placedBy.id === who.senderId) return true;
  return who.phone !== null && (who.phone === order.placedBy.phone || who.phone === order.customer.phone);
}

/**
 * The rules of a customer's own change by message: their order (someone else's says nothing about
 * its state), still open (pending or confirmed), and within the business's window.
 */
function checkCustomerChange(order: Placed, by: z.output<typeof byCustomer>, now: Date, what: 'cancel' | 'change'): void {
  if (!isOrderCustomer(order, by)) throw new Forbidden(`only the customer who placed #${order.number} can ${what} it`);
  if (!CUSTOMER_CANCELLABLE.includes(order.status)) {
    const message = `#${order.number} is already ${statusLabel(order.status)}; it can no longer be ${what === 'cancel' ? 'cancelled' : 'changed'} from the chat`;
    throw what === 'cancel' ? new IllegalStatusTransition(order.status, 'cancelled', message) : new IllegalState(message);
  }
  if (by.windowMinutes !== undefined && !withinSelfEditWindow(order.placedAt, now, by.windowMinutes)) {
    throw new SelfEditWindowPassed(`#${order.number} was placed more than ${by.windowMinutes} minutes ago; the request is passed on to the merchant`);
  }
}

function requestOrderChange({ data, metadata }: RequestOrderChange, state: OrderState): NoviEventOf<'OrderChangeRequested'>[] {
  const order = placedOrder(state, data.orderId, data.businessId);
  if (!isOrderCustomer(order, data.by)) throw new Forbidden(`only the customer who placed #${order.number} can change it`);
  if (isFinalStatus(order.status)) throw new IllegalState(`#${order.number} is already ${statusLabel(order.status)}; it can no longer be changed`);
  return [
    {
      type: 'OrderChangeRequested',
      data: { orderId: order.orderId, businessId: order.businessId, messageId: data.messageId, request: data.request, text: data.text, requestedAt: metadata.now.toISOString() },
    },
  ];
}

function changeStatus({ data, metadata }: ChangeStatus, state: OrderState): NoviEventOf<'StatusChanged'>[] {
  const order = placedOrder(state, data.orderId, data.businessId);
  if (data.by?.kind === 'customer') {
    if (data.to !== 'cancelled') {
      if (!isOrderCustomer(order, data.by)) throw new Forbidden(`only the customer who placed #${order.number} can cancel it`);
      throw new Forbidden(`customers can only cancel their own order; #${order.number} was not changed`);
    }
    checkCustomerChange(order, data.by, metadata.now, 'cancel');
  }
  const check = checkTransition(order.status, data.to);
  if (!check.ok) throw new IllegalStatusTransition(order.status, data.to, `Order #${order.number} ${check.message}`);
  return [
    {
      type: 'StatusChanged',
      data: {
        orderId: order.orderId,
        businessId: order.businessId,
        from: order.status,
        to: data.to,
        reason: data.reason,
        source: data.source,
        messageId: data.messageId,
        changedAt: metadata.now.toISOString(),
      },
    },
  ];
}

function undoStatusChange({ data, metadata }: UndoStatusChange, state: OrderState): NoviEventOf<'StatusChangeUndone'>[] {
  const order = placedOrder(state, data.orderId, data.businessId);
  const last = order.lastStatusChange;
  if (!last) throw new IllegalState(`Order #${order.number} has no status change to undo`);
  if (last.at === null) throw new IllegalState(`Order #${order.number} became ${statusLabel(last.to)} before undo was recorded; it cannot be undone`);
  const age = metadata.now.getTime() - Date.parse(last.at);
  if (age > UNDO_WINDOW_MS) {
    throw new IllegalState(`Order #${order.number} became ${statusLabel(last.to)} more than ${UNDO_WINDOW_MS / 3_600_000} hours ago; it can no longer be undone`);
  }
  return [
    {
      type: 'StatusChangeUndone',
      data: { orderId: order.orderId, businessId: order.businessId, from: order.status, to: last.from, undoneChangeAt: last.at, reason: data.reason, source: data.source },
    },
  ];
}

function acceptReview({ data, metadata }: AcceptReview, state: OrderState): OrderEvent[] {
  const order = placedOrder(state, data.orderId, data.businessId);
  if (data.by.kind === 'customer') {
    if (!isOrderCustomer(order, data.by)) throw new Forbidden(`only the customer who placed #${order.number} can confirm it`);
    if (data.items !== undefined || data.address !== undefined) throw new Forbidden('a customer confirms an order as it is');
  }
  if (order.status !== 'needs_review') throw new IllegalState(`Order #${order.number} is ${statusLabel(order.status)}, not waiting for review`);
  const events: OrderEvent[] = [];
  if (data.items !== undefined || data.address !== undefined) {
    if (data.items !== undefined && data.items.length === 0) throw new ValidationError('An accepted order needs at least one item', [{ path: 'items', message: 'at least one item' }]);
    events.push(
      ...updateOrder(
        {
          type: 'UpdateOrder',
          data: { orderId: order.orderId, businessId: order.businessId, items: data.items, ...(data.address !== undefined ? { customer: { address: data.address } } : {}), reason: 'edit' },
          metadata,
        },
        state,
      ),
    );
  }
  events.push({
    type: 'StatusChanged',
    data: {
      orderId: order.orderId,
      businessId: order.businessId,
      from: 'needs_review',
      to: data.to,
      reason: data.by.kind === 'customer' ? 'confirmed by the customer' : events.length ? 'review: corrected and accepted' : 'review: accepted',
      source: data.source,
      messageId: data.messageId,
      changedAt: metadata.now.toISOString(),
    },
  });
  return events;
}
