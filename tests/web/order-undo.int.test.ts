// Undoing a status change from the dashboard (issue 17 §2): delivered and cancelled were final, so
// a wrong "#1001 cancelled" could never be taken back. Now the merchant undoes the latest change
// within 24 h, recorded as StatusChangeUndone; read models follow and a rebuild gives the same rows.
// Also the riders' numbers of a delivery group (POST /groups/:id/riders).
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { projections } from '../../projections/index.ts';
import { rebuildProjection } from '../../src/cli/rebuild.ts';
import { handleCommand, parseCommandData } from '../../src/shared/command-handler.ts';
import { decideOrder, orderCommandSchemas } from '../../src/orders/commands.ts';
import { evolveOrder, initialOrderState, orderStreamId } from '../../src/orders/order.ts';
import { newId } from '../../src/shared/ids.ts';
import { api, placeOrder, register, webEnv } from './harness.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;

const alice = await register(app, 'alice_undo');
const bob = await register(app, 'bob_undo');
const b = await api(app, alice, 'POST', '/business', { name: 'Mama Put', country: 'NG' });
const businessId = b.json().business.id as string;
const sales = (await api(app, alice, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId })).json().group.id as string;
const delivery = (await api(app, alice, 'POST', '/groups', { name: 'Riders', groupType: 'delivery', businessId })).json().group.id as string;

const num = z.coerce.number();
const daily = () => rt.pool.one(sql.type(z.object({ orders: num, revenue: num, cancelled: num }))`
  select coalesce(sum(orders), 0) as orders, coalesce(sum(revenue), 0) as revenue, coalesce(sum(cancelled), 0) as cancelled
    from daily_sales where business_id = ${businessId}`);
const customer = () => rt.pool.maybeOne(sql.type(z.object({ order_count: num, total_spent: num }))`
  select order_count, total_spent from customers where business_id = ${businessId} and customer_key = '+2348035550101'`);

t.test('a cancelled order was final; now the merchant can undo the cancellation', async (t) => {
  const orderId = await placeOrder(rt, { businessId, groupId: sales });
  const cancel = await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'cancelled' });
  t.equal(cancel.statusCode, 200, cancel.body);
  t.match(cancel.json().order, { status: 'cancelled' });
  t.equal((await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'pending' })).statusCode, 409, 'moving back is still not a status move');

  const detail = (await api(app, alice, 'GET', `/orders/${orderId}`)).json().order;
  t.match(detail.undo, { from: 'cancelled', to: 'pending', until: String }, 'the order offers the undo');
  t.ok(Date.parse(detail.undo.until) - Date.now() > 23.9 * 3600_000, 'for 24 hours');
  t.same(await daily(), { orders: 1, revenue: 0, cancelled: 1 });

  t.equal((await api(app, bob, 'POST', `/orders/${orderId}/undo`, {})).statusCode, 404, "another merchant's undo is a 404");
  t.equal((await api(app, alice, 'POST', `/orders/${orderId}/undo`, {}, { 'if-match': '"0"' })).statusCode, 412, 'a stale revision is refused');

  const undo = await api(app, alice, 'POST', `/orders/${orderId}/undo`, { reason: 'customer did not cancel' });
  t.equal(undo.statusCode, 200, undo.body);
  const order = undo.json().order;
  t.match(order, { status: 'pending', revision: 2, undo: null });
  t.equal(undo.headers.etag, '"2"');
  t.match(order.statusHistory, [
    { status: 'pending', actor: 'bot' },
    { status: 'cancelled', actor: alice.id },
    { status: 'pending', actor: alice.id, undoneFrom: 'cancelled' },
  ]);
  t.same(await daily(), { orders: 1, revenue: 5000, cancelled: 0 }, 'the order counts in the day again');
  t.same(await customer(), { order_count: 1, total_spent: 5000 }, 'and for its customer');

  const events = await rt.store.readStream(orderStreamId(orderId));
  t.same(events.map((e) => e.type), ['OrderPlaced', 'StatusChanged', 'StatusChangeUndone']);
  t.match(events[2], { data: { from: 'cancelled', to: 'pending', reason: 'customer did not cancel', source: 'api' }, metadata: { actor: alice.id } });

  const again = await api(app, alice, 'POST', `/orders/${orderId}/undo`, {});
  t.equal(again.statusCode, 409, 'an undo is not undone: the merchant moves the status on instead');
  t.match(again.json().message, 'has no status change to undo');
  const on = await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'confirmed' });
  t.match(on.json().order, { status: 'confirmed', undo: { from: 'confirmed', to: 'pending' } });
});

t.test('a delivered order can be taken back to where it was, but not after 24 hours', async (t) => {
  const orderId = await placeOrder(rt, { businessId, groupId: sales });
  await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'out_for_delivery' });
  await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'delivered' });
  const undo = await api(app, alice, 'POST', `/orders/${orderId}/undo`, {});
  t.match(undo.json().order, { status: 'out_for_delivery' });

  // A change made 25 hours ago (as if typed by a rider yesterday).
  const old = await placeOrder(rt, { businessId, groupId: sales });
  const then = new Date(Date.now() - 25 * 3600_000);
  await handleCommand({
    store: rt.store, streamId: orderStreamId(old), evolve: evolveOrder, initialState: initialOrderState, decide: decideOrder,
    command: { type: 'ChangeStatus', data: parseCommandData(orderCommandSchemas.ChangeStatus, { orderId: old, businessId, to: 'delivered', source: 'whatsapp' }, 'status'), metadata: { now: then, actor: 'rider' } },
    metadata: { tenantId: businessId, actor: 'rider', correlationId: newId(), causationId: null, occurredAt: then.toISOString() },
  });
  let detail = (await api(app, alice, 'GET', `/orders/${old}`)).json().order;
  for (let i = 0; i < 50 && detail.status !== 'delivered'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    detail = (await api(app, alice, 'GET', `/orders/${old}`)).json().order;
  }
  t.match(detail, { status: 'delivered', undo: null }, 'no undo offered');
  const late = await api(app, alice, 'POST', `/orders/${old}/undo`, {});
  t.equal(late.statusCode, 409);
  t.match(late.json().message, 'more than 24 hours ago');
});

t.test('the order page has the undo button (htmx, CSRF)', async (t) => {
  const orderId = await placeOrder(rt, { businessId, groupId: sales });
  await api(app, alice, 'PUT', `/orders/${orderId}`, { status: 'confirmed' });
  const page = await app.inject({ method: 'GET', url: `/orders/${orderId}`, headers: { cookie: alice.cookie } });
  t.match(page.body, `hx-post="/orders/${orderId}/undo"`);
  t.match(page.body, 'Undo: back to pending');
  const token = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const csrf = page.cookies.find((c) => c.name === 'novi_csrf')?.value ?? '';
  const cookie = `${alice.cookie}; novi_csrf=${csrf}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const forged = await app.inject({ method: 'POST', url: `/orders/${orderId}/undo`, headers: { cookie, ...form, 'hx-request': 'true' }, payload: 'revision=1' });
  t.equal(forged.statusCode, 403, 'no CSRF token, no undo');
  const hx = await app.inject({ method: 'POST', url: `/orders/${orderId}/undo`, headers: { cookie, ...form, 'hx-request': 'true', 'x-csrf-token': token }, payload: 'revision=1' });
  t.equal(hx.statusCode, 200, hx.body.slice(0, 300));
  t.match(hx.body, /^<section id="order-detail"/);
  t.match(hx.body, '(undid confirmed)');
  t.notMatch(hx.body, 'Undo: back to');
});

t.test('a rebuild gives the same rows', async (t) => {
  const tables = ['orders', 'order_status_history', 'daily_sales', 'product_sales', 'dashboard_orders', 'customers', 'customer_orders'];
  const rows = async () => {
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      out[table] = [...(await rt.pool.anyFirst(sql.type(z.object({ row: z.string() }))`select to_jsonb(x)::text as row from ${sql.identifier([table])} x`))].sort();
    }
    return out;
  };
  const before = await rows();
  for (const name of ['orders', 'dashboard', 'customers']) await rebuildProjection(rt, projections.find((p) => p.name === name)!);
  const after = await rows();
  for (const table of tables) t.same(after[table], before[table], `${table} rebuilt identically`);
});

t.test("riders' numbers of a delivery group", async (t) => {
  const set = await api(app, alice, 'POST', `/groups/${delivery}/riders`, { riderPhones: ['0809 000 0001', '+2348090000002', '08090000001'] });
  t.equal(set.statusCode, 200, set.body);
  t.same(set.json().group.riderPhones, ['+2348090000001', '+2348090000002'], 'normalised to E.164, each once');
  const bad = await api(app, alice, 'POST', `/groups/${delivery}/riders`, { riderPhones: ['call me'] });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, 'is not a phone number');
  t.equal((await api(app, alice, 'POST', `/groups/${delivery}/riders`, { riderPhones: Array.from({ length: 51 }, (_, i) => `+23480900${String(i).padStart(5, '0')}`) })).statusCode, 400, 'bounded');
  const onSales = await api(app, alice, 'POST', `/groups/${sales}/riders`, { riderPhones: ['+2348090000001'] });
  t.equal(onSales.statusCode, 400);
  t.match(onSales.json().message, 'only be listed for a delivery group');
  t.equal((await api(app, bob, 'POST', `/groups/${delivery}/riders`, { riderPhones: ['+2348090000009'] })).statusCode, 404);
  const events = await rt.store.readStream(`group-${delivery}`);
  t.match(events.at(-1), { type: 'GroupUpdated', data: { riderPhones: ['+2348090000001', '+2348090000002'] } });

  const page = await app.inject({ method: 'GET', url: '/business', headers: { cookie: alice.cookie } });
  t.match(page.body, `action="/groups/${delivery}/riders"`);
  t.match(page.body, 'Riders: +2348090000001, +2348090000002');
  const cleared = await api(app, alice, 'POST', `/groups/${delivery}/riders`, { riderPhones: [] });
  t.same(cleared.json().group.riderPhones, [], 'an empty list accepts anyone in the group again');
});
