// A poison event is parked (named on /health and in the admin panel, retried or skipped there) and
// stops nobody else; `novi rebuild` goes on past it; analysts see views, not tables.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { sql, type QuerySqlToken } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { buildApp } from '../../web/app.ts';
import { rebuildProjection } from '../../src/cli/rebuild.ts';
import { projectionByName } from '../../projections/index.ts';
import { createAdmin } from '../admin/helpers.ts';
import { createShop, ev, type Shop } from './fixtures.ts';

const rt = await createTestRuntime({ logLevel: process.env.TEST_LOG ?? 'silent' });
const projector = await startProjections(rt, { pollMs: 100, standbyMs: 100 });
const app = await buildApp(rt);
t.teardown(async () => {
  await app.close();
  await projector.stop();
  await rt.close();
});

type Parked = { subscriber: string; status: string; error: string; event_id: string };
const parkedOf = (eventId: string) =>
  rt.pool.any(sql.type(z.object({ subscriber: z.string(), status: z.string(), error: z.string(), event_id: z.string() }))`
    select subscriber, status, error, event_id from parked_events where event_id = ${eventId} order by subscriber`);
async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const orderRow = (id: string) =>
  rt.pool.maybeOne(sql.type(z.object({ status: z.string(), customer_name: z.string().nullable() }))`select status, customer_name from orders where id = ${id}`);

let nextNumber = 5000;
function placed(shop: Shop, customerName: string) {
  const orderId = randomUUID();
  return {
    orderId,
    event: ev('OrderPlaced', {
      orderId, businessId: shop.businessId, groupId: shop.sales.groupId, number: nextNumber++,
      customer: { name: customerName, phone: null, address: null },
      items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }], totalAmount: 2500, currency: 'NGN', deliveryNotes: null,
      source: { messageId: `m-${orderId}`, text: '1 jollof', sender: { name: customerName, phone: null }, receivedAt: new Date().toISOString() },
      parserVersion: null, missing: [], placedAt: new Date().toISOString(),
    }, shop.businessId),
  };
}
const confirmed = (shop: Shop, orderId: string) =>
  ev('StatusChanged', { orderId, businessId: shop.businessId, from: 'pending', to: 'confirmed', reason: null, source: 'dashboard', messageId: null }, shop.businessId);

const shop = await createShop(rt.store);
const admin = await createAdmin(app, rt, 'parkadmin');
let badId = '';

t.test('an event that fails its schema is parked; the projection goes on; /health names it (200, degraded)', async (t) => {
  await waitForCatchUp(rt, ['businesses', 'orders']);
  // An OrderPlaced missing most of its fields: fails its schema.
  badId = randomUUID();
  await rt.store.append(`order-${randomUUID()}`, [{
    id: badId, type: 'OrderPlaced', data: { orderId: 'not-a-uuid', businessId: shop.businessId },
    metadata: { tenantId: shop.businessId, actor: 'test', correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1 },
  }]);
  const good = placed(shop, 'Bisi');
  await rt.store.append(`order-${good.orderId}`, [good.event]);
  await until('the next order in the read model', () => orderRow(good.orderId));
  const rows: readonly Parked[] = await until('the poison parked', async () => ((await parkedOf(badId)).some((p) => p.subscriber === 'orders') ? parkedOf(badId) : null));
  const orders = rows.find((p) => p.subscriber === 'orders')!;
  t.equal(orders.status, 'parked');
  t.match(orders.error, /orderId/);
  await waitForCatchUp(rt, ['orders', 'businesses', 'users']);

  const res = await app.inject({ method: 'GET', url: '/health' });
  t.equal(res.statusCode, 200, 'parked is not down');
  const body = res.json() as { status: string; checks: { projections: { status: string }; parked: { status: string; count: number; subscribers: Array<{ subscriber: string; open: number; first: Array<{ eventId: string; error: string }> }> } } };
  t.equal(body.status, 'degraded');
  t.equal(body.checks.projections.status, 'up');
  t.equal(body.checks.parked.status, 'parked');
  const entry = body.checks.parked.subscribers.find((p) => p.subscriber === 'orders');
  t.equal(entry?.first[0]?.eventId, badId);
  t.match(entry?.first[0]?.error, /orderId/);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /novi_parked_events\{subscriber="orders"\} 1/);
});

t.test('an event that fails to apply is parked, later events of its stream wait behind it; Retry after the fix runs both', async (t) => {
  // The "bug": the read model refuses a value (a constraint standing in for a projection bug).
  await rt.pool.query(sql.type(z.object({}))`alter table orders add constraint test_no_evil check (customer_name is distinct from 'Evil')`);
  const evil = placed(shop, 'Evil');
  await rt.store.append(`order-${evil.orderId}`, [evil.event]);
  await rt.store.append(`order-${evil.orderId}`, [confirmed(shop, evil.orderId)]);
  const after = placed(shop, 'Chidi');
  await rt.store.append(`order-${after.orderId}`, [after.event]);
  await until('the later order of another stream', () => orderRow(after.orderId));
  const statuses = await until('the evil order parked with its status change behind it', async () => {
    const r = await rt.pool.anyFirst(sql.type(z.object({ status: z.string() }))`
      select status from parked_events where subscriber = 'orders' and stream_id = ${`order-${evil.orderId}`} order by position`);
    return r.length === 2 ? r : null;
  });
  t.same(statuses, ['parked', 'behind']);
  const list = await app.inject({ method: 'GET', url: '/admin/parked', headers: { cookie: admin.cookie, accept: 'application/json' } });
  t.equal(list.statusCode, 200);
  const parked = (list.json() as { parked: Array<{ eventId: string; subscriber: string; error: string }> }).parked.find((p) => p.eventId === evil.event.id);
  t.match(parked?.error, /test_no_evil/);
  const html = await app.inject({ method: 'GET', url: '/admin/parked', headers: { cookie: admin.cookie } });
  t.match(html.body, /test_no_evil/, 'the admin page shows the error');
  t.match(html.body, /data-action="retry"/);

  await rt.pool.query(sql.type(z.object({}))`alter table orders drop constraint test_no_evil`);
  const retry = await app.inject({ method: 'POST', url: `/admin/parked/orders/${evil.event.id}/retry`, headers: { cookie: admin.cookie, accept: 'application/json' } });
  t.equal(retry.statusCode, 200, retry.body);
  const row = await until('the evil order and its status change applied', async () => {
    const o = await orderRow(evil.orderId);
    return o?.status === 'confirmed' ? o : null;
  });
  t.equal(row.customer_name, 'Evil');
  const done = await rt.pool.anyFirst(sql.type(z.object({ status: z.string() }))`
    select status from parked_events where subscriber = 'orders' and stream_id = ${`order-${evil.orderId}`} order by position`);
  t.same(done, ['resolved', 'resolved']);
});

t.test('novi rebuild works while events are parked: it parks what it cannot apply and reports it', async (t) => {
  const r = await rebuildProjection(rt, projectionByName('orders')!);
  t.equal(r.parked, 1, 'the schema poison is still parked');
  t.ok(r.events > 0);
  t.same((await parkedOf(badId)).find((p) => p.subscriber === 'orders')?.status, 'parked');
  const count = await rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from orders where business_id = ${shop.businessId}`);
  t.equal(count, 3, 'every good order is in the rebuilt table');
});

t.test('an admin skips a parked event only with a reason and a confirmation; the skip is an event', async (t) => {
  const url = `/admin/parked/orders/${badId}/skip`;
  const headers = { cookie: admin.cookie, accept: 'application/json' };
  const merchant = await app.inject({ method: 'POST', url, headers: { accept: 'application/json' }, payload: { reason: 'broken import', confirm: 'yes' } });
  t.not(merchant.statusCode, 200, 'not for anyone signed out');
  const unconfirmed = await app.inject({ method: 'POST', url, headers, payload: { reason: 'broken import' } });
  t.equal(unconfirmed.statusCode, 400);
  t.match(unconfirmed.body, /confirm/);
  const ok = await app.inject({ method: 'POST', url, headers, payload: { reason: 'broken import of 2024', confirm: 'yes' } });
  t.equal(ok.statusCode, 200, ok.body);
  t.equal((await parkedOf(badId)).find((p) => p.subscriber === 'orders')?.status, 'skipped');
  const recorded = await rt.store.readStream('parking-orders');
  t.equal(recorded.length, 1);
  t.match(recorded[0], { type: 'ParkedEventSkipped', data: { eventId: badId, reason: 'broken import of 2024', by: admin.id, subscriber: 'orders' } });
  const again = await app.inject({ method: 'POST', url, headers, payload: { reason: 'again', confirm: 'yes' } });
  t.equal(again.statusCode, 409, 'a skipped event cannot be skipped twice');
});

t.test('novi_analyst can read the analytics views and nothing else', async (t) => {
  const selectAs = (query: QuerySqlToken) =>
    rt.pool.transaction(async (tx) => {
      await tx.query(sql.type(z.object({}).passthrough())`set local role novi_analyst`);
      return tx.any(query);
    });
  for (const view of ['orders', 'order_items', 'daily_revenue', 'customers', 'bot_metrics']) {
    await t.resolves(selectAs(sql.type(z.object({}).passthrough())`select * from ${sql.identifier(['analytics', view])} limit 1`), `analytics.${view}`);
  }
  await t.rejects(selectAs(sql.type(z.object({}).passthrough())`select * from users limit 1`), /permission denied/);
  await t.rejects(selectAs(sql.type(z.object({}).passthrough())`select * from es_events limit 1`), /permission denied/);
});
