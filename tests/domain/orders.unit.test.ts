import t from 'tap';
import { ORDER_STATUSES, type NoviEventOf, type OrderStatus } from '../../src/events/catalog.ts';
import { decideOrder, orderCommandSchemas, type ChangeStatus, type OrderCommand, type PlaceOrder, type UpdateOrder } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, type OrderEvent, type OrderState } from '../../src/orders/order.ts';
import { checkTransition, nextStatuses } from '../../src/orders/status.ts';
import { IllegalState, IllegalStatusTransition, NotFound, Conflict, ValidationError } from '../../src/shared/errors.ts';
import { parseCommandData } from '../../src/shared/command-handler.ts';
import { given as givenWith } from './given-when-then.ts';

const decider = { decide: decideOrder, evolve: evolveOrder, initialState: initialOrderState };
const given = (past: OrderEvent[] = []) => givenWith<OrderCommand, OrderState, OrderEvent>(decider, past);

const ORDER = '11111111-1111-4111-8111-111111111111';
const BUSINESS = '22222222-2222-4222-8222-222222222222';
const OTHER_BUSINESS = '99999999-9999-4999-8999-999999999999';
const GROUP = '33333333-3333-4333-8333-333333333333';
const now = new Date('2026-01-05T10:00:00.000Z');
const metadata = { now, actor: 'bot' };

const placeData = parseCommandData(
  orderCommandSchemas.PlaceOrder,
  {
    orderId: ORDER,
    businessId: BUSINESS,
    groupId: GROUP,
    number: 1042,
    customer: { name: 'Bisi Adeyemi', phone: '+2348035550101', address: '14 Admiralty Way, Lekki' },
    items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 2, unitPrice: 2500 }],
    totalAmount: 5000,
    currency: 'NGN',
    deliveryNotes: null,
    source: { messageId: 'false_123@g.us_ABC', text: '2 jollof', sender: { name: 'Bisi', phone: '+2348035550101' }, receivedAt: '2026-01-05T09:59:58.000Z' },
    parserVersion: '1.0.0',
  },
  'order',
);
const place: PlaceOrder = { type: 'PlaceOrder', data: placeData, metadata };
const placed: NoviEventOf<'OrderPlaced'> = { type: 'OrderPlaced', data: { ...placeData, placedAt: now.toISOString() } };

function statusChanged(from: OrderStatus, to: OrderStatus): NoviEventOf<'StatusChanged'> {
  return { type: 'StatusChanged', data: { orderId: ORDER, businessId: BUSINESS, from, to, reason: null, source: 'dashboard', messageId: null, changedAt: now.toISOString() } };
}

/** The events that bring a fresh order to `status` along the chain. */
function historyTo(status: OrderStatus): OrderEvent[] {
  return status === 'pending' ? [placed] : [placed, statusChanged('pending', status)];
}

const changeStatus = (to: OrderStatus, businessId = BUSINESS): ChangeStatus => ({
  type: 'ChangeStatus',
  data: parseCommandData(orderCommandSchemas.ChangeStatus, { orderId: ORDER, businessId, to, source: 'dashboard' }, 'status change'),
  metadata,
});

const update = (data: Record<string, unknown>): UpdateOrder => ({
  type: 'UpdateOrder',
  data: parseCommandData(orderCommandSchemas.UpdateOrder, { orderId: ORDER, businessId: BUSINESS, ...data }, 'order update'),
  metadata,
});

t.test('PlaceOrder', async (t) => {
  t.test('a new order is placed pending, stamped with the command time', async (t) => {
    const { events } = given().when(place);
    t.same(events, [placed]);
    const state = evolveOrder(initialOrderState(), placed);
    t.equal(state.kind === 'placed' && state.status, 'pending');
  });
  t.test('placing the same order twice is a conflict', async (t) => {
    const { error } = given([placed]).when(place);
    t.type(error, Conflict);
    t.match(error?.message, /already placed \(#1042\)/);
  });
  t.test('a phone that is not E.164 is rejected before deciding', async (t) => {
    t.throws(
      () => parseCommandData(orderCommandSchemas.PlaceOrder, { ...placeData, customer: { ...placeData.customer, phone: '0803 555 0101' } }, 'order'),
      ValidationError,
    );
  });
});

t.test('ChangeStatus follows the state machine', async (t) => {
  // Every (from, to) pair: legal iff forward along the chain, or cancelling an open order.
  const chain: OrderStatus[] = ['pending', 'confirmed', 'processing', 'out_for_delivery', 'delivered'];
  for (const from of ORDER_STATUSES) {
    for (const to of ORDER_STATUSES) {
      const open = from !== 'delivered' && from !== 'cancelled';
      // An order waiting for review (issue 11 §3) leaves it only by being accepted (pending, confirmed) or cancelled.
      const legal = from === 'needs_review'
        ? ['pending', 'confirmed', 'cancelled'].includes(to)
        : open && from !== to && to !== 'needs_review' && (to === 'cancelled' || chain.indexOf(to) > chain.indexOf(from));
      const outcome = given(historyTo(from)).when(changeStatus(to));
      if (legal) {
        t.same(outcome.events, [statusChanged(from, to)], `${from} → ${to} is allowed`);
      } else {
        t.type(outcome.error, IllegalStatusTransition, `${from} → ${to} is refused`);
        t.equal(outcome.error instanceof IllegalStatusTransition && outcome.error.httpStatus, 409);
      }
    }
  }
});

t.test('illegal moves say why', async (t) => {
  t.match(given(historyTo('delivered')).when(changeStatus('delivered')).error?.message, 'Order #1042 is already delivered');
  t.match(given(historyTo('cancelled')).when(changeStatus('confirmed')).error?.message, 'Order #1042 is cancelled; a cancelled order cannot change status');
  t.match(given(historyTo('out_for_delivery')).when(changeStatus('confirmed')).error?.message, 'cannot go back from out for delivery to confirmed');
  t.match(given(historyTo('pending')).when(changeStatus('pending')).error?.message, 'is already pending');
});

t.test('a rider may report delivered straight from pending', async (t) => {
  t.same(given([placed]).when(changeStatus('delivered')).events, [statusChanged('pending', 'delivered')]);
});

t.test('nextStatuses offers exactly the legal moves', async (t) => {
  t.same(nextStatuses('pending'), ['confirmed', 'processing', 'out_for_delivery', 'delivered', 'cancelled']);
  t.same(nextStatuses('out_for_delivery'), ['delivered', 'cancelled']);
  t.same(nextStatuses('delivered'), []);
  t.same(nextStatuses('cancelled'), []);
  t.same(checkTransition('confirmed', 'pending'), { ok: false, message: 'cannot go back from confirmed to pending' });
});

t.test('an order of another business, or no order, is not found', async (t) => {
  t.type(given([placed]).when(changeStatus('confirmed', OTHER_BUSINESS)).error, NotFound);
  t.type(given([]).when(changeStatus('confirmed')).error, NotFound);
  t.type(given([]).when(update({ deliveryNotes: 'x' })).error, NotFound);
});

t.test('UpdateOrder', async (t) => {
  t.test('new items without a total recompute the total', async (t) => {
    const items = [{ name: 'Jollof Rice', sku: 'JR', quantity: 3, unitPrice: 2500 }];
    t.same(given([placed]).when(update({ items })).events, [
      { type: 'OrderUpdated', data: { orderId: ORDER, businessId: BUSINESS, reason: 'edit', items, totalAmount: 7500 } },
    ]);
  });
  t.test('an unpriced item makes the total unknown', async (t) => {
    const items = [{ name: 'Mystery box', sku: null, quantity: 1, unitPrice: null }];
    const { events } = given([placed]).when(update({ items }));
    t.match(events, [{ type: 'OrderUpdated', data: { totalAmount: null } }]);
  });
  t.test('only changed customer fields are recorded', async (t) => {
    const { events } = given([placed]).when(update({ customer: { name: 'Bisi Adeyemi', address: '3 Bourdillon Rd' } }));
    t.same(events?.[0]?.type === 'OrderUpdated' && events[0].data.customer, { address: '3 Bourdillon Rd' });
    const state = (events ?? []).reduce(evolveOrder, evolveOrder(initialOrderState(), placed));
    t.same(state.kind === 'placed' && state.customer, { name: 'Bisi Adeyemi', phone: '+2348035550101', address: '3 Bourdillon Rd' });
  });
  t.test('an edit that changes nothing records nothing', async (t) => {
    t.same(given([placed]).when(update({ deliveryNotes: null, totalAmount: 5000 })).events, []);
  });
  t.test('an empty edit is a validation error', async (t) => {
    t.type(given([placed]).when(update({})).error, ValidationError);
  });
  t.test('a closed order cannot be edited, but a reparse may correct it', async (t) => {
    const error = given(historyTo('delivered')).when(update({ deliveryNotes: 'ring twice' })).error;
    t.type(error, IllegalState);
    t.match(error?.message, 'Order #1042 is delivered and can no longer be edited');
    t.equal(given(historyTo('delivered')).when(update({ deliveryNotes: 'ring twice', reason: 'reparse' })).events?.length, 1);
  });
});

t.test('evolve ignores events it does not know at runtime', async (t) => {
  const state = evolveOrder(initialOrderState(), { type: 'Whatever', data: {} } as unknown as OrderEvent);
  t.same(state, initialOrderState());
});
