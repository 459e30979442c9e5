// The admin timeline reads through the event store port only (issue 14, "QR pairing, for real"):
// run on the PostgreSQL adapter with a runtime whose database pool refuses every query, so a read
// of es_events (or any table) would fail the test. Filters, the position cursor, the scan bound
// and an order's story (message → parse → order → number → statuses → replies) all hold. The same
// functions run on EventStoreDB, whose contract test needs EVENTSTORE_URL.
import t from 'tap';
import { makeMetadata } from '../../src/events/catalog.ts';
import type { NewEvent } from '../../src/eventstore/types.ts';
import { listEvents, orderTimeline, eventFilters, SCAN_LIMIT } from '../../src/admin/timeline.ts';
import { newId } from '../../src/shared/ids.ts';
import type { Runtime } from '../../src/runtime.ts';
import { createTestRuntime } from '../helpers/runtime.ts';

const rt = await createTestRuntime();
t.teardown(() => rt.close());
// Everything the timeline does must go through rt.store: the pool answers nothing.
const noPool = new Proxy({}, { get: () => () => Promise.reject(new Error('the timeline queried the database directly')) });
const portOnly = { ...rt, pool: noPool } as unknown as Runtime;

const A = newId();
const B = newId();
const corr = newId();
const ev = (type: string, data: Record<string, unknown>, tenantId: string, actor = 'bot', correlationId = newId()): NewEvent => ({
  id: newId(),
  type,
  data,
  metadata: makeMetadata({ tenantId, actor, correlationId, now: new Date() }),
});

const orderId = newId();
const groupId = newId();
const sessionId = newId();
const msgId = 'chat_3EB0ORDER';
const placedData = {
  orderId, businessId: A, groupId, number: 1001, customer: { name: 'Ada', phone: null, address: null }, items: [], totalAmount: null, currency: null,
  deliveryNotes: null, source: { messageId: msgId, text: '2 jollof', sender: { name: 'Ada', phone: null }, receivedAt: new Date().toISOString() }, parserVersion: 'x', missing: [], placedAt: new Date().toISOString(),
};

await rt.store.append(`chat-${groupId}`, [ev('MessageReceived', { messageId: msgId, businessId: A, groupId, sessionId, text: '2 jollof' }, A, 'ada@c.us', corr)]);
await rt.store.append(`chat-${groupId}`, [ev('OrderParsed', { messageId: msgId, businessId: A, groupId }, A, 'bot', corr)]);
await rt.store.append(`ordernumbers-${A}`, [ev('OrderNumberReserved', { orderId, businessId: A, number: 1001 }, A, 'bot', corr)]);
await rt.store.append(`order-${orderId}`, [ev('OrderPlaced', placedData, A, 'bot', corr)]);
for (let i = 0; i < 30; i++) await rt.store.append(`chat-${newId()}`, [ev('MessageReceived', { messageId: `other-${i}`, businessId: B, text: 'noise' }, B)]);
await rt.store.append(`order-${orderId}`, [ev('StatusChanged', { orderId, businessId: A, from: 'pending', to: 'delivered', messageId: 'riders_3EB0DONE' }, A, 'rider@c.us')]);
await rt.store.append(`chat-${newId()}`, [ev('MessageReceived', { messageId: 'riders_3EB0DONE', businessId: A, text: '#1001 delivered' }, A, 'rider@c.us')]);
await rt.store.append(`chat-${groupId}`, [ev('MessageSent', { orderId, businessId: A, sessionId, text: 'Order #1001 has been delivered.' }, A)]);
await rt.store.append(`session-${sessionId}`, [ev('SessionReady', { sessionId, businessId: A }, A, 'system')]);

const list = (q: Record<string, string>) => listEvents(portOnly, eventFilters.parse(q));

t.test('filters and paging through the port', async (t) => {
  const all = await list({ limit: '200' });
  t.equal(all.events.length, 38, 'every event, newest first');
  t.ok(all.events[0]!.position > all.events[1]!.position);
  t.equal(all.next, null);

  const a = await list({ tenantId: A, limit: '200' });
  t.equal(a.events.length, 8, 'one tenant');
  t.ok(a.events.every((e) => e.metadata.tenantId === A));
  t.same((await list({ correlationId: corr })).events.map((e) => e.type), ['OrderPlaced', 'OrderNumberReserved', 'OrderParsed', 'MessageReceived'], 'one correlation');
  t.same((await list({ actor: 'rider@c.us' })).events.map((e) => e.type), ['MessageReceived', 'StatusChanged']);
  t.same((await list({ type: 'StatusChanged,SessionReady' })).events.map((e) => e.type), ['SessionReady', 'StatusChanged'], 'types, filtered by the store');
  t.same((await list({ stream: `order-${orderId}` })).events.map((e) => e.type), ['StatusChanged', 'OrderPlaced'], 'one stream');
  t.same((await list({ sessionId })).events.map((e) => e.type), ['SessionReady', 'MessageSent', 'MessageReceived'], 'a session: its stream and its messages');
  t.equal((await list({ from: '2000-01-01', to: '2000-01-02' })).events.length, 0, 'time bounds');

  const first = await list({ tenantId: B, limit: '20' });
  t.equal(first.events.length, 20);
  t.ok(first.next);
  const second = await list({ tenantId: B, limit: '20', before: first.next! });
  t.equal(second.events.length, 10, 'the next page goes on from the cursor');
  t.equal(second.next, null);
  t.notOk(second.events.some((e) => first.events.some((f) => f.id === e.id)), 'no event on two pages');
  t.ok(SCAN_LIMIT >= 1000, 'a request reads a bounded number of events');
});

t.test("an order's story through the port", async (t) => {
  const story = await orderTimeline(portOnly, orderId);
  t.same(story.events.map((e) => e.type), ['MessageReceived', 'OrderParsed', 'OrderNumberReserved', 'OrderPlaced', 'StatusChanged', 'MessageReceived', 'MessageSent']);
  t.ok(story.sourceMessageEventId);
  t.equal(story.replyEventIds.length, 1);
  const missing = await orderTimeline(portOnly, newId()).then(() => null, (e: { httpStatus?: number }) => e);
  t.equal(missing?.httpStatus, 404, 'an unknown order is a 404');
});
