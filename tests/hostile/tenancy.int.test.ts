// Hostile tenancy: a second merchant (bob) tries every endpoint of http-api.md, and the
// websocket, on the first merchant's (alice's) data by id. Every read and write is refused (404;
// 403 for admin-only routes), lists show nothing of alice's, and nothing changed (events and
// read-model rows compared before/after). Then row-level security (sql/007_rls.sql) as a second
// wall: as novi_tenant with bob's ids, alice's rows are invisible even by id.
import t from 'tap';
import WebSocket from 'ws';
import { sql } from 'slonik';
import { z } from 'zod';
import { projections } from '../../projections/index.ts';
import { withTenant } from '../../web/lib/tenant.ts';
import { rebuildProjection } from '../../src/cli/rebuild.ts';
import { api, placeOrder, register, webEnv, type Merchant } from '../web/harness.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;

const alice = await register(app, 'alice_h');
const bob = await register(app, 'bob_h');
const mk = async (m: Merchant, name: string) => {
  const b = await api(app, m, 'POST', '/business', { name, country: 'NG' });
  if (b.statusCode !== 201) throw new Error(b.body);
  const businessId = b.json().business.id as string;
  await api(app, m, 'PUT', `/business/${businessId}/catalog`, { products: [{ sku: 'JR', name: 'Jollof Rice', price: 2500 }] });
  const g = await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId });
  const groupId = g.json().group.id as string;
  const orderId = await placeOrder(rt, { businessId, groupId, customerName: `${name} customer` });
  return { businessId, groupId, orderId };
};
const A = await mk(alice, 'Alice Foods');
const B = await mk(bob, 'Bob Foods');
await api(app, alice, 'POST', `/business/${A.businessId}/whatsapp`, { transport: 'simulator' });
// Alice's order has a status change bob could try to undo, and a delivery group he could try to give riders.
await api(app, alice, 'PUT', `/orders/${A.orderId}`, { status: 'confirmed' });
const aliceDelivery = (await api(app, alice, 'POST', '/groups', { name: 'Riders', groupType: 'delivery', businessId: A.businessId })).json().group.id as string;

const rowsOf = async (table: string) =>
  [...(await rt.pool.anyFirst(sql.type(z.object({ row: z.string() }))`select to_jsonb(x)::text as row from ${sql.identifier([table])} x`))].sort();
const snapshot = async () => {
  const out: Record<string, string[]> = {};
  for (const p of projections) for (const table of p.tables) out[table] = await rowsOf(table);
  for (const table of ['whatsapp_session_requests', 'simulator_inbox', 'whatsapp_outbox']) out[table] = await rowsOf(table);
  out.events = [String(await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from es_events`))];
  return out;
};

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
// Every route that takes an id of alice's, with a plausible body.
const byId: Array<[Method, string, unknown?]> = [
  ['PUT', `/business/${A.businessId}`, { name: 'Hacked' }],
  ['POST', `/business/${A.businessId}/edit`, { name: 'Hacked' }],
  ['GET', `/business/${A.businessId}/catalog`],
  ['PUT', `/business/${A.businessId}/catalog`, { products: [{ sku: 'X', name: 'Evil', price: 1 }] }],
  ['POST', `/business/${A.businessId}/catalog`, { products: [{ sku: 'X', name: 'Evil', price: 1 }] }],
  ['GET', `/groups?businessId=${A.businessId}`],
  ['POST', '/groups', { name: 'Evil', groupType: 'sales', businessId: A.businessId }],
  ['GET', `/orders?businessId=${A.businessId}`],
  ['GET', `/orders/${A.orderId}`],
  ['PUT', `/orders/${A.orderId}`, { status: 'cancelled' }],
  ['PUT', `/orders/${A.orderId}`, { customerInfo: { name: 'Hacked' } }],
  ['POST', `/orders/${A.orderId}/status`, { status: 'cancelled' }],
  ['POST', `/orders/${A.orderId}/edit`, { customerName: 'Hacked', revision: 0 }],
  ['POST', `/orders/${A.orderId}/undo`, {}],
  ['POST', `/orders/${A.orderId}/undo`, { reason: 'mine now', revision: 1 }],
  ['POST', `/groups/${aliceDelivery}/riders`, { riderPhones: ['+2348090000009'] }],
  ['POST', '/orders/export', { format: 'csv', filters: { businessId: A.businessId } }],
  ['POST', '/orders/export', { format: 'xlsx', filters: { businessId: A.businessId } }],
  ['GET', `/customers?businessId=${A.businessId}`],
  ['GET', `/customers/${encodeURIComponent('+2348035550101')}?businessId=${A.businessId}`],
  ['POST', `/customers/${encodeURIComponent('+2348035550101')}/note`, { businessId: A.businessId, note: 'Hacked' }],
  ['GET', `/dashboard?businessId=${A.businessId}`],
  ['GET', `/api/dashboard/analytics?businessId=${A.businessId}`],
  ['GET', `/business/${A.businessId}/whatsapp`],
  ['GET', `/business/${A.businessId}/whatsapp/panel`],
  ['GET', `/business/${A.businessId}/simulator/feed`],
  ['POST', `/business/${A.businessId}/whatsapp`, { transport: 'simulator' }],
  ['DELETE', `/business/${A.businessId}/whatsapp`],
  ['POST', '/api/simulator/messages', { groupId: A.groupId, from: { name: 'Evil', phone: '+2348035550102' }, text: '2 jollof rice' }],
  ['GET', `/api/simulator/outbox?groupId=${A.groupId}`],
];
const adminOnly: Array<[Method, string, unknown?]> = [
  ['GET', '/admin/dashboard'],
  ['GET', '/admin/users'],
  ['PUT', `/admin/users/${alice.id}/toggle`, {}],
  ['GET', '/admin/orders'],
  ['GET', `/admin/events?tenantId=${A.businessId}`],
];
const lists: Array<[Method, string]> = [
  ['GET', '/business'],
  ['GET', '/orders'],
  ['GET', '/customers'],
  ['GET', '/groups'],
  ['GET', '/dashboard'],
  ['GET', '/api/dashboard/analytics'],
  ['GET', '/whatsapp'],
  ['GET', `/export?format=csv&businessId=${A.businessId}`], // the export page ignores the id: lists bob's businesses only
];
const aliceIds = [A.businessId, A.groupId, A.orderId, 'Alice Foods', 'alice_h'];

t.test('bob is refused on every endpoint with alice’s ids, and nothing changes', async (t) => {
  const before = await snapshot();
  for (const [method, url, body] of byId) {
    const r = await api(app, bob, method, url, body);
    t.equal(r.statusCode, 404, `${method} ${url} → 404 (${r.body.slice(0, 120)})`);
    for (const id of aliceIds.slice(0, 3)) t.notOk(r.body.includes(id) && !url.includes(id) && !(body && JSON.stringify(body).includes(id)), `${method} ${url}: no alice id leaks`);
    t.notOk(r.body.includes('Alice Foods'), `${method} ${url}: no alice data`);
  }
  for (const [method, url, body] of adminOnly) {
    const r = await api(app, bob, method, url, body);
    t.equal(r.statusCode, 403, `${method} ${url} → 403 for a merchant`);
  }
  for (const [method, url] of lists) {
    const r = await api(app, bob, method, url);
    t.ok(r.statusCode === 200 || r.statusCode === 303, `${method} ${url}: ${r.statusCode}`);
    if (r.statusCode === 303) t.notOk(String(r.headers.location).includes(A.businessId), 'redirects to bob’s own');
    for (const id of aliceIds) t.notOk(r.body.includes(id), `${method} ${url} shows nothing of alice’s (${id})`);
    t.ok(r.body.includes(B.businessId) || url !== '/business', 'bob sees his own');
  }
  // HTML pages too (a browser session).
  for (const url of [`/orders/${A.orderId}`, `/business/${A.businessId}/whatsapp/panel`, `/orders?businessId=${A.businessId}`]) {
    const r = await app.inject({ method: 'GET', url, headers: { cookie: bob.cookie } });
    t.equal(r.statusCode, 404, `page ${url} → 404`);
    t.notOk(r.body.includes('Alice Foods'), `page ${url}: no alice data`);
  }
  // Waiting a moment: a refused write that still slipped into the store would show up in the read models.
  await new Promise((r) => setTimeout(r, 500));
  const after = await snapshot();
  for (const table of Object.keys(before)) t.same(after[table], before[table], `${table} unchanged`);
});

t.test('websocket: bob hears nothing of alice’s business, whatever he sends', async (t) => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const got: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?format=json&businessId=${A.businessId}`, { headers: { cookie: bob.cookie } });
  ws.on('message', (d) => got.push(String(d)));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  ws.send(JSON.stringify({ subscribe: A.businessId, businessId: A.businessId, orderId: A.orderId }));
  await app.wsReady();
  const fresh = await placeOrder(rt, { businessId: A.businessId, groupId: A.groupId, customerName: 'Secret' });
  const mine = await placeOrder(rt, { businessId: B.businessId, groupId: B.groupId, customerName: 'Bobs own' });
  const deadline = Date.now() + 5000;
  while (!got.some((m) => m.includes(mine)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.ok(got.some((m) => m.includes(mine)), 'bob is told about his own order');
  t.notOk(got.some((m) => m.includes(fresh) || m.includes(A.businessId) || m.includes('Secret')), 'nothing of alice’s');
  ws.close();
});

t.test('row-level security: as novi_tenant with bob’s ids, alice’s rows are invisible even by id', async (t) => {
  const tables = ['orders', 'order_items', 'order_status_history', 'customers', 'bot_metrics', 'daily_sales', 'hourly_orders', 'product_sales', 'messages', 'groups', 'catalog_products', 'whatsapp_sessions', 'customer_orders', 'customer_notes'];
  for (const table of tables) {
    const counts = await withTenant(rt.pool, [B.businessId], async (db) => ({
      alice: await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from ${sql.identifier([table])} where business_id = ${A.businessId}`),
      all: await db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from ${sql.identifier([table])} where business_id <> ${B.businessId}`),
    }));
    t.same(counts, { alice: 0, all: 0 }, `${table}: only bob’s rows visible`);
    const owner = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from ${sql.identifier([table])} where business_id = ${A.businessId}`);
    if (['orders', 'order_items', 'order_status_history', 'groups', 'catalog_products'].includes(table)) t.ok(owner > 0, `${table}: the owner connection still sees alice’s rows (${owner})`);
  }
  const byId = await withTenant(rt.pool, [B.businessId], (db) =>
    db.maybeOne(sql.type(z.object({ id: z.string() }))`select id from orders where id = ${A.orderId}`));
  t.equal(byId, null, 'alice’s order by id: invisible');
  const biz = await withTenant(rt.pool, [B.businessId], (db) => db.anyFirst(sql.type(z.object({ id: z.string() }))`select id from businesses`));
  t.same(biz, [B.businessId], 'businesses: only bob’s');
  const none = await withTenant(rt.pool, [], (db) => db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from orders`));
  t.equal(none, 0, 'no ids: nothing visible');
  const mine = await withTenant(rt.pool, [A.businessId], (db) => db.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from orders`));
  t.ok(mine >= 2, 'alice’s own orders visible to alice');
  // The wall is read-only for the tenant role: no writes at all.
  await t.rejects(
    withTenant(rt.pool, [A.businessId], (db) => db.query(sql.type(z.object({}))`update orders set status = 'cancelled' where id = ${A.orderId}`)),
    'novi_tenant cannot write',
  );
  await t.rejects(withTenant(rt.pool, [B.businessId], (db) => db.query(sql.type(z.object({}))`select count(*) from es_events`)), 'novi_tenant cannot read the event store');
});

t.test('row-level security survives `novi rebuild` (the swapped-in tables keep it)', async (t) => {
  const orders = projections.find((p) => p.name === 'orders')!;
  await rebuildProjection(rt, orders);
  for (const table of orders.tables) {
    const on = await rt.pool.oneFirst(sql.type(z.object({ on: z.boolean() }))`select relrowsecurity as on from pg_class where oid = ${table}::regclass`);
    t.ok(on, `${table}: RLS still enabled after the rebuild`);
  }
  const byId = await withTenant(rt.pool, [B.businessId], (db) => db.maybeOne(sql.type(z.object({ id: z.string() }))`select id from orders where id = ${A.orderId}`));
  t.equal(byId, null, 'alice’s order still invisible to bob after the rebuild');
  const own = await withTenant(rt.pool, [A.businessId], (db) => db.maybeOne(sql.type(z.object({ id: z.string() }))`select id from orders where id = ${A.orderId}`));
  t.ok(own, 'and visible to alice');
  const r = await api(app, alice, 'GET', `/orders/${A.orderId}`);
  t.equal(r.statusCode, 200, 'the order page still works after the rebuild');
});
