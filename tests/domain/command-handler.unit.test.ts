import t from 'tap';
import { InvalidStoredEvent } from '../../src/eventstore/types.ts';
import { decideOrder, type ChangeStatus, type OrderCommand } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, orderStreamId, type OrderEvent, type OrderState } from '../../src/orders/order.ts';
import { reserveOrderNumber, orderNumbersStreamId } from '../../src/orders/numbers.ts';
import { handleCommand } from '../../src/shared/command-handler.ts';
import { IllegalStatusTransition, StaleWrite } from '../../src/shared/errors.ts';
import { eventId } from '../../src/shared/ids.ts';
import { InMemoryEventStoreTestDouble } from './in-memory-event-store.ts';

const ORDER = '11111111-1111-4111-8111-111111111111';
const BUSINESS = '22222222-2222-4222-8222-222222222222';
const GROUP = '33333333-3333-4333-8333-333333333333';
const now = new Date('2026-01-05T10:00:00.000Z');
const metadata = { tenantId: BUSINESS, actor: 'bot', correlationId: 'corr-1', causationId: null, occurredAt: now.toISOString() };
const streamId = orderStreamId(ORDER);

const placeOrder: OrderCommand = {
  type: 'PlaceOrder',
  metadata: { now, actor: 'bot' },
  data: {
    orderId: ORDER, businessId: BUSINESS, groupId: GROUP, number: 1001,
    customer: { name: 'Ada', phone: null, address: null },
    items: [{ name: 'Bread', sku: null, quantity: 2, unitPrice: 500 }],
    totalAmount: 1000, currency: 'NGN', deliveryNotes: null,
    source: { messageId: 'm1', text: '2 bread', sender: { name: 'Ada', phone: null }, receivedAt: now.toISOString() },
    parserVersion: '1', missing: ['address'],
  },
};
const change = (to: 'confirmed' | 'processing' | 'delivered'): ChangeStatus => ({
  type: 'ChangeStatus',
  metadata: { now, actor: 'user-1' },
  data: { orderId: ORDER, businessId: BUSINESS, to, reason: null, source: 'dashboard', messageId: null },
});

function run(store: InMemoryEventStoreTestDouble, command: OrderCommand, extra: { expectedRevision?: bigint | 'no_stream'; eventIds?: string[] } = {}) {
  return handleCommand<OrderCommand, OrderState, OrderEvent>({
    store, streamId, evolve: evolveOrder, initialState: initialOrderState, decide: decideOrder, command, metadata, ...extra,
  });
}

t.test('handleCommand appends decided events with catalog metadata and returns the new revision', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  const placed = await run(store, placeOrder);
  t.equal(placed.nextExpectedRevision, 0n);
  t.equal(placed.written, true);
  t.equal(placed.events[0]?.metadata.schemaVersion, 1);
  const confirmed = await run(store, change('confirmed'), { expectedRevision: 0n });
  t.equal(confirmed.nextExpectedRevision, 1n);
  t.equal(confirmed.state.kind === 'placed' && confirmed.state.status, 'confirmed');
  const stored = await store.readStream(streamId);
  t.same(stored.map((e) => e.type), ['OrderPlaced', 'StatusChanged']);
});

t.test('a decide error reaches the caller and nothing is written', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  await run(store, placeOrder);
  await run(store, change('delivered'));
  await t.rejects(run(store, change('confirmed')), IllegalStatusTransition);
  t.equal((await store.readStream(streamId)).length, 2);
});

t.test('a stale If-Match revision is a 412 carrying the actual revision', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  await run(store, placeOrder);
  await run(store, change('confirmed'));
  const error = await run(store, change('processing'), { expectedRevision: 0n }).catch((e: unknown) => e);
  t.type(error, StaleWrite);
  t.equal(error instanceof StaleWrite && error.actualRevision, 1n);
  t.equal(error instanceof StaleWrite && error.httpStatus, 412);
});

t.test('without an If-Match, a concurrent writer makes it re-read and decide again', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  await run(store, placeOrder);
  const results = await Promise.allSettled([run(store, change('confirmed')), run(store, change('processing'))]);
  // Both moves are legal in either order, so both land after a retry.
  t.same(results.map((r) => r.status), ['fulfilled', 'fulfilled']);
  t.equal((await store.readStream(streamId)).length, 3);
});

t.test('deterministic event ids make a retried command a no-op', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  const ids = [eventId('OrderPlaced', ORDER)];
  const first = await run(store, placeOrder, { eventIds: ids });
  const again = await run(store, placeOrder, { eventIds: ids });
  t.equal(first.written, true);
  t.equal(again.written, false);
  t.equal(again.events[0]?.id, ids[0]);
  t.equal((await store.readStream(streamId)).length, 1);
});

t.test('a stored event that fails its schema stops the command with its position', async (t) => {
  const store = new InMemoryEventStoreTestDouble();
  store.plant(streamId, { id: eventId('x', '1'), type: 'OrderPlaced', data: { orderId: 'broken' }, metadata: { ...metadata, schemaVersion: 1 } });
  const error = await run(store, change('confirmed')).catch((e: unknown) => e);
  t.type(error, InvalidStoredEvent);
  t.match(error instanceof Error && error.message, /OrderPlaced at order-1111.* \(position 1\)/);
});

t.test('order numbers', async (t) => {
  const orderIds = Array.from({ length: 25 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

  t.test('start at 1001 and count up', async (t) => {
    const store = new InMemoryEventStoreTestDouble();
    t.same(await reserveOrderNumber(store, { businessId: BUSINESS, orderId: orderIds[0]!, metadata }), { number: 1001, reused: false });
    t.same(await reserveOrderNumber(store, { businessId: BUSINESS, orderId: orderIds[1]!, metadata }), { number: 1002, reused: false });
  });

  t.test('stay unique and gapless under concurrent placement', async (t) => {
    const store = new InMemoryEventStoreTestDouble();
    const numbers = await Promise.all(orderIds.map((orderId) => reserveOrderNumber(store, { businessId: BUSINESS, orderId, metadata })));
    t.same(numbers.map((n) => n.number).sort((a, b) => a - b), orderIds.map((_, i) => 1001 + i));
    t.equal((await store.readStream(orderNumbersStreamId(BUSINESS))).length, orderIds.length);
  });

  t.test('a retried placement gets its number back, even racing itself', async (t) => {
    const store = new InMemoryEventStoreTestDouble();
    await reserveOrderNumber(store, { businessId: BUSINESS, orderId: orderIds[0]!, metadata });
    const [a, b] = await Promise.all([
      reserveOrderNumber(store, { businessId: BUSINESS, orderId: orderIds[1]!, metadata }),
      reserveOrderNumber(store, { businessId: BUSINESS, orderId: orderIds[1]!, metadata }),
    ]);
    t.equal(a.number, 1002);
    t.equal(b.number, 1002);
    t.same(await reserveOrderNumber(store, { businessId: BUSINESS, orderId: orderIds[1]!, metadata }), { number: 1002, reused: true });
    t.equal((await store.readStream(orderNumbersStreamId(BUSINESS))).length, 2);
  });

  t.test('businesses count separately', async (t) => {
    const store = new InMemoryEventStoreTestDouble();
    await reserveOrderNumber(store, { businessId: BUSINESS, orderId: orderIds[0]!, metadata });
    const other = await reserveOrderNumber(store, { businessId: GROUP, orderId: orderIds[1]!, metadata });
    t.equal(other.number, 1001);
  });
});
