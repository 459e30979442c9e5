// A rebuild from event zero produces the same rows as the live projection, while the live projector runs.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startIntakeReactor, INTAKE_CHECKPOINT } from '../../src/reactors/intake.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { rebuildProjection } from '../../src/cli/rebuild.ts';
import { projections } from '../../projections/index.ts';
import { orderIdForMessage } from '../../src/shared/ids.ts';
import { createShop, ev, message, receive } from './fixtures.ts';

const rt = await createTestRuntime();
const projector = await startProjections(rt, { pollMs: 100, standbyMs: 200, batchSize: 7 });
const stopIntake = await startIntakeReactor(rt, { pollMs: 100, standbyMs: 200, parserThreads: 0, batchSize: 5 });
t.teardown(async () => {
  await stopIntake();
  await projector.stop();
  await rt.close();
});
const ALL = [INTAKE_CHECKPOINT, ...projections.map((p) => p.name)];

const rowsOf = async (table: string) => {
  const rows = await rt.pool.anyFirst(sql.type(z.object({ row: z.string() }))`select to_jsonb(x)::text as row from ${sql.identifier([table])} x`);
  return [...rows].sort();
};
const snapshot = async () => {
  const out: Record<string, string[]> = {};
  for (const p of projections) for (const table of p.tables) out[table] = await rowsOf(table);
  return out;
};

// History touching every projection: users, businesses (PT / BR time zones), orders with edits,
// status moves and cancellations, bot replies, session uptime.
const userId = randomUUID();
await rt.store.append(`user-${userId}`, [
  ev('UserRegistered', { userId, username: 'ada', email: 'ada@example.com', phone: null, role: 'merchant' }, null),
  ev('UserDeactivated', { userId, by: 'admin' }, null),
]);
const shops = [await createShop(rt.store), await createShop(rt.store, { country: 'BR', currency: 'BRL' })];
const texts = [
  'Name: Chidi Okafor\nPhone: 0803 555 0101\nAddress: 14 Admiralty Way\n2x Jollof Rice\n1 Chicken',
  'I want 3 plantain and 1 chicken, deliver to 5 Allen Avenue. Phone 08035550102',
  'Please send 2 jollof to 9 Bode Thomas street, Surulere. Tel 08035550101',
  'hello, are you open?',
];
for (const [s, shop] of shops.entries()) {
  const sessionId = shop.sessionId;
  const sd = { sessionId, businessId: shop.businessId, transport: 'simulator' as const };
  await rt.store.append(`session-${sessionId}`, [
    ev('SessionStarted', sd, shop.businessId),
    ev('QrIssued', { ...sd, qr: 'qr-1', attempt: 1 }, shop.businessId),
    ev('SessionReady', { ...sd, phone: '+2348030000000' }, shop.businessId),
  ]);
  for (let i = 0; i < 12; i++) await receive(rt.store, message(shop, 'sales', texts[i % texts.length]!, { id: `m-${s}-${i}` }));
  await receive(rt.store, message(shop, 'delivery', '#1001 delivered', { id: `d-${s}-1` }));
  await receive(rt.store, message(shop, 'delivery', 'cancel order 1002', { id: `d-${s}-2` }));
  await receive(rt.store, message(shop, 'delivery', '#1003 out for delivery', { id: `d-${s}-3` }));
  await rt.store.append(`session-${sessionId}`, [ev('SessionDisconnected', { ...sd, reason: 'network' }, shop.businessId)]);
}
await waitForCatchUp(rt, [INTAKE_CHECKPOINT]);
// The bot's confirmation, sent (as the notifier does) once the order exists: appended before the
// intake placed the order, the live projection would find no row to update while a rebuild
// batch holding both events would, and the comparison would depend on timing.
for (const [s, shop] of shops.entries()) {
  const orderId = orderIdForMessage(shop.businessId, `m-${s}-0`);
  await rt.store.append(`chat-${shop.sales.groupId}`, [
    ev('MessageSent', { outboxId: randomUUID(), businessId: shop.businessId, sessionId: shop.sessionId, chatId: shop.sales.chatId, text: 'Got it', whatsappMessageId: `out-${s}`, inReplyTo: `m-${s}-0`, orderId, kind: 'confirmation', sentAt: '2025-03-10T10:00:00Z', responseMs: 840 }, shop.businessId),
  ]);
}
// An edit of an open order (after intake placed it).
const edited = orderIdForMessage(shops[0]!.businessId, 'm-0-4');
await rt.store.append(`order-${edited}`, [
  ev('OrderUpdated', { orderId: edited, businessId: shops[0]!.businessId, items: [{ name: 'Chicken', sku: 'CH', quantity: 5, unitPrice: 2000 }], totalAmount: 10000, customer: { phone: '+2348035550199' }, reason: 'edit' }, shops[0]!.businessId),
], { expectedRevision: 'any' });
// A merchant's note on a customer.
await rt.store.append(`customer-${randomUUID()}`, [
  ev('CustomerNoteSet', { businessId: shops[0]!.businessId, customerKey: '+2348035550101', note: 'Ring twice' }, shops[0]!.businessId),
]);
await waitForCatchUp(rt, ALL);

t.test('rebuilding every projection while the projector runs gives the same rows', async (t) => {
  const live = await snapshot();
  t.ok(live.orders!.length >= 12, `orders: ${live.orders!.length}`);
  t.ok(live.customers!.length > 0 && live.product_sales!.length > 0 && live.bot_metrics!.length > 0 && live.whatsapp_sessions!.length === 2);
  for (const p of projections) {
    const r = await rebuildProjection(rt, p, { batchSize: 9 });
    t.ok(r.events > 0, `${p.name}: ${r.events} events`);
  }
  const rebuilt = await snapshot();
  for (const table of Object.keys(live)) t.same(rebuilt[table], live[table], `${table} equal after rebuild`);
  // The analytics views follow the swapped tables.
  const n = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from analytics.orders`);
  t.equal(n, live.orders!.length);
});

t.test('the live projector keeps going on the swapped tables', async (t) => {
  await receive(rt.store, message(shops[0]!, 'sales', texts[0]!, { id: 'after-rebuild' }));
  await waitForCatchUp(rt, [INTAKE_CHECKPOINT]);
  await waitForCatchUp(rt, ALL);
  const found = await rt.pool.maybeOne(sql.type(z.object({ id: z.string() }))`
    select id from orders where id = ${orderIdForMessage(shops[0]!.businessId, 'after-rebuild')}`);
  t.ok(found);
});
