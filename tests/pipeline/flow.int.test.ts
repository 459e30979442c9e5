// Message in → order row out, through the intake reactor and the projector on real PostgreSQL.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startIntakeReactor, INTAKE_CHECKPOINT } from '../../src/reactors/intake.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { projections } from '../../projections/index.ts';
import { createShop, message, receive } from './fixtures.ts';

const rt = await createTestRuntime();
const projector = await startProjections(rt, { pollMs: 200, standbyMs: 200 });
const stopIntake = await startIntakeReactor(rt, { pollMs: 200, standbyMs: 200, parserThreads: 0 });
t.teardown(async () => {
  await stopIntake();
  await projector.stop();
  await rt.close();
});

const ALL = [INTAKE_CHECKPOINT, ...projections.map((p) => p.name)];
/** Intake first (its events must exist), then every projection up to the new head. */
async function settle() {
  await waitForCatchUp(rt, [INTAKE_CHECKPOINT]);
  await waitForCatchUp(rt, ALL);
}

const orderRow = z.object({
  id: z.string(), number: z.number(), status: z.string(), customer_name: z.string().nullable(), customer_phone: z.string().nullable(),
  customer_address: z.string().nullable(), total_amount: z.coerce.number().nullable(), currency: z.string().nullable(), items: z.array(z.any()),
});
const ordersOf = (businessId: string) =>
  rt.pool.any(sql.type(orderRow)`select id, number, status, customer_name, customer_phone, customer_address, total_amount, currency, items
    from orders where business_id = ${businessId} order by number`);
const outcome = (businessId: string, messageId: string) =>
  rt.pool.maybeOne(sql.type(z.object({ outcome: z.string().nullable(), outcome_reason: z.string().nullable(), order_id: z.string().nullable() }))`
    select outcome, outcome_reason, order_id from messages where business_id = ${businessId} and message_id = ${messageId}`);

const shop = await createShop(rt.store);
const orderText = 'Name: Chidi Okafor\nPhone: 0803 555 0101\nAddress: 14 Admiralty Way, Lekki\n2x Jollof Rice\n1 Chicken';

t.test('an order message in a sales group becomes an order row', async (t) => {
  const m = message(shop, 'sales', orderText, { id: 'wamid.order.1' });
  await receive(rt.store, m);
  await settle();
  const orders = await ordersOf(shop.businessId);
  t.equal(orders.length, 1);
  const o = orders[0]!;
  t.equal(o.number, 1001);
  t.equal(o.status, 'pending');
  t.equal(o.customer_name, 'Chidi Okafor');
  t.equal(o.customer_phone, '+2348035550101');
  t.equal(o.currency, 'NGN');
  t.equal(o.total_amount, 7000);
  t.same(o.items.map((i: { sku: string; quantity: number }) => [i.sku, i.quantity]), [['JR', 2], ['CH', 1]]);
  t.match(await outcome(shop.businessId, 'wamid.order.1'), { outcome: 'order', order_id: o.id });
  const customer = await rt.pool.one(sql.type(z.object({ order_count: z.number(), total_spent: z.coerce.number() }))`
    select order_count, total_spent from customers where business_id = ${shop.businessId} and customer_key = '+2348035550101'`);
  t.same(customer, { order_count: 1, total_spent: 7000 });
  const daily = await rt.pool.one(sql.type(z.object({ orders: z.number(), revenue: z.coerce.number() }))`
    select orders, revenue from daily_sales where business_id = ${shop.businessId}`);
  t.same(daily, { orders: 1, revenue: 7000 });
  const metrics = await rt.pool.one(sql.type(z.object({ total_messages: z.number(), orders_processed: z.number() }))`
    select total_messages, orders_processed from bot_metrics where business_id = ${shop.businessId}`);
  t.same(metrics, { total_messages: 1, orders_processed: 1 });
});

t.test('the same message delivered twice gives one order', async (t) => {
  const m = message(shop, 'sales', orderText, { id: 'wamid.order.1' });
  await receive(rt.store, m); // the store dedupes the same WhatsApp message id
  // and a reactor that reprocesses everything (crash before its checkpoint) places nothing new
  await rt.pool.query(sql.type(z.object({}).passthrough())`update projection_checkpoints set position = 0 where name = ${INTAKE_CHECKPOINT}`);
  await settle();
  t.equal((await ordersOf(shop.businessId)).length, 1);
  const placed = await rt.store.readAll({ filter: { eventTypes: ['OrderPlaced'] } });
  t.equal(placed.length, 1);
  const reserved = await rt.store.readAll({ filter: { eventTypes: ['OrderNumberReserved'] } });
  t.equal(reserved.length, 1);
});

t.test('a status message from the delivery group moves the order and records history', async (t) => {
  await receive(rt.store, message(shop, 'delivery', '#1001 delivered', { id: 'wamid.status.1' }));
  await settle();
  const [o] = await ordersOf(shop.businessId);
  t.equal(o?.status, 'delivered');
  const history = await rt.pool.any(sql.type(z.object({ seq: z.number(), status: z.string(), source: z.string().nullable() }))`
    select seq, status, source from order_status_history where order_id = ${o!.id} order by seq`);
  t.same(history, [{ seq: 0, status: 'pending', source: 'whatsapp' }, { seq: 1, status: 'delivered', source: 'whatsapp' }]);
  t.match(await outcome(shop.businessId, 'wamid.status.1'), { outcome: 'status', order_id: o!.id });
});

t.test('an illegal move or an unknown order number is ignored with the reason', async (t) => {
  await receive(rt.store, message(shop, 'delivery', '#1001 cancelled', { id: 'wamid.status.2' }));
  await receive(rt.store, message(shop, 'delivery', 'order 4242 delivered', { id: 'wamid.status.3' }));
  await settle();
  t.match(await outcome(shop.businessId, 'wamid.status.2'), { outcome: 'ignored', outcome_reason: /delivered/ });
  t.match(await outcome(shop.businessId, 'wamid.status.3'), { outcome: 'ignored', outcome_reason: /4242/ });
  t.equal((await ordersOf(shop.businessId))[0]?.status, 'delivered');
});

t.test('a message from a group that is not linked places no order', async (t) => {
  const other = await createShop(rt.store);
  const m = message(other, 'sales', orderText, { id: 'wamid.unlinked.1', groupId: '00000000-0000-4000-8000-000000000001', chatId: 'nobody@g.us' });
  await receive(rt.store, m);
  await settle();
  t.equal((await ordersOf(other.businessId)).length, 0);
  t.match(await outcome(other.businessId, 'wamid.unlinked.1'), { outcome: 'ignored', outcome_reason: /not linked/ });
});

t.test('a WhatsApp catalog cart becomes an order without the text parser', async (t) => {
  const m = message(shop, 'sales', '', {
    id: 'wamid.cart.1',
    nativeOrder: { items: [{ name: 'Plantain', sku: 'PL', quantity: 4, unitPrice: 500 }], total: null, currency: null },
  });
  await receive(rt.store, m);
  await settle();
  const orders = await ordersOf(shop.businessId);
  t.equal(orders.length, 2);
  t.match(orders[1], { number: 1002, total_amount: 2000, currency: 'NGN' });
});

t.test('chit-chat is logged as ignored', async (t) => {
  await receive(rt.store, message(shop, 'sales', 'Good morning! Are you open today?', { id: 'wamid.chat.1' }));
  await settle();
  t.match(await outcome(shop.businessId, 'wamid.chat.1'), { outcome: 'ignored' });
  t.equal((await ordersOf(shop.businessId)).length, 2);
});
