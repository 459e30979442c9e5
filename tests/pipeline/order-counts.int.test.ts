// The orders list's totals come from `order_counts`, kept by the orders projection: after orders are
// placed, confirmed, cancelled and a move is undone, every total the merchant sees (all orders, per
// status, the dashboard's pending count) equals a count of the orders themselves, and a rebuild
// of the projection gives the same numbers.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { dashboardKpis, listOrders, type Scope } from '../../web/lib/queries.ts';
import { rebuildProjection } from '../../src/cli/rebuild.ts';
import { projectionByName } from '../../projections/index.ts';
import { createShop, ev, message, receive } from './fixtures.ts';
import { runningPipeline } from './running.ts';

const { rt, settle } = await runningPipeline(t);

const a = await createShop(rt.store, { name: 'Counted' });
const b = await createShop(rt.store, { name: 'Other' });
for (let i = 0; i < 12; i++) await receive(rt.store, message(a, 'sales', `2 jollof rice and 1 chicken please, phone 0803555${String(1000 + i)}`));
for (let i = 0; i < 5; i++) await receive(rt.store, message(b, 'sales', `1 chicken please, phone 0803666${String(1000 + i)}`));
await settle();

const orderRow = z.object({ id: z.string(), number: z.number(), status: z.string() });
const ordersOf = (businessId: string) => rt.pool.any(sql.type(orderRow)`select id, number, status from orders where business_id = ${businessId} order by number`);
const placed = await ordersOf(a.businessId);
t.equal(placed.length, 12, 'twelve orders placed');

// Merchant moves: confirm four, cancel two, deliver one, then undo one confirmation.
const move = async (o: { id: string }, from: string, to: string, type: 'StatusChanged' | 'StatusChangeUndone' = 'StatusChanged') => {
  const data = type === 'StatusChanged'
    ? { orderId: o.id, businessId: a.businessId, from, to, reason: null, source: 'dashboard', messageId: null }
    : { orderId: o.id, businessId: a.businessId, from, to, undoneChangeAt: new Date().toISOString(), reason: null, source: 'dashboard' };
  await rt.store.append(`order-${o.id}`, [ev(type, data as never, a.businessId, 'merchant')]);
};
const scope: Scope = { all: false, businessIds: [a.businessId] };
async function check(t: Test, when: string) {
  const truth = await rt.pool.any(sql.type(z.object({ status: z.string(), n: z.number() }))`
    select status, count(*)::int as n from orders where business_id = ${a.businessId} group by status`);
  const byStatus = new Map(truth.map((r) => [r.status, r.n]));
  t.equal((await listOrders(rt, scope, {}, 1, 5)).pagination.total, 12, `${when}: all orders`);
  for (const status of ['pending', 'confirmed', 'delivered', 'cancelled', 'processing'] as const) {
    const p = (await listOrders(rt, scope, { status }, 1, 5)).pagination;
    t.equal(p.total, byStatus.get(status) ?? 0, `${when}: ${status}`);
  }
  t.equal((await dashboardKpis(rt, scope)).pendingOrders, byStatus.get('pending') ?? 0, `${when}: the dashboard's pending count`);
  t.equal((await listOrders(rt, { all: false, businessIds: [a.businessId, b.businessId] }, {}, 1, 5)).pagination.total, 17, `${when}: both shops`);
  t.equal((await listOrders(rt, scope, { q: 'chicken' }, 1, 5)).pagination.total, 12, `${when}: a search still counts its matches`);
}

t.test('totals follow every move', async (t) => {
  for (const o of placed.slice(0, 4)) await move(o, 'pending', 'confirmed');
  for (const o of placed.slice(4, 6)) await move(o, 'pending', 'cancelled');
  await move(placed[0]!, 'confirmed', 'out_for_delivery');
  await move(placed[0]!, 'out_for_delivery', 'delivered');
  await move(placed[1]!, 'confirmed', 'pending', 'StatusChangeUndone');
  await settle();
  await check(t, 'live');
  const parked = await rt.pool.anyFirst(sql.type(z.object({ error: z.string() }))`select error from parked_events`);
  t.same(parked.map((p) => p.slice(-300)), [], 'nothing parked');
  t.equal((await listOrders(rt, scope, { status: 'pending' }, 1, 5)).pagination.total, 7, 'six never moved, one confirmation undone');
});

t.test('the same totals after a rebuild', async (t) => {
  await rebuildProjection(rt, projectionByName('orders')!);
  await check(t, 'rebuilt');
});

t.test("another tenant's counts are not visible", async (t) => {
  const p = (await listOrders(rt, { all: false, businessIds: [randomUUID()] }, {}, 1, 5)).pagination;
  t.equal(p.total, 0);
});
