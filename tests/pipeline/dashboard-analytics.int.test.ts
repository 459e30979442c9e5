// Every dashboard figure equals the same figure an analyst computes from `analytics.*` for the same range,
// over orders built through events and the real projections: cancelled orders, two currencies (NGN, BRL)
// and two time zones (Lagos UTC+1, São Paulo UTC−3), with orders near local midnight.
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startIntakeReactor, INTAKE_CHECKPOINT } from '../../src/reactors/intake.ts';
import { startProjections } from '../../src/projector/role.ts';
import { waitForCatchUp } from '../../src/projector/catch-up.ts';
import { projections } from '../../projections/index.ts';
import { analytics, dashboardKpis, type Scope } from '../../web/lib/queries.ts';
import { createShop, message, receive, tick } from './fixtures.ts';

const rt = await createTestRuntime();
const projector = await startProjections(rt, { pollMs: 100, standbyMs: 200 });
const stopIntake = await startIntakeReactor(rt, { pollMs: 100, standbyMs: 200, parserThreads: 0 });
t.teardown(async () => {
  await stopIntake();
  await projector.stop();
  await rt.close();
});

const ng = await createShop(rt.store, { name: 'Lagos shop' });
const br = await createShop(rt.store, { name: 'São Paulo shop', country: 'BR', currency: 'BRL' });
const texts = [
  'Name: Chidi Okafor\nPhone: 0803 555 0101\n2x Jollof Rice\n1 Chicken',
  'I want 3 plantain and 1 chicken, deliver to 5 Allen Avenue. Phone 08035550102',
  'Please send 2 jollof to 9 Bode Thomas street. Tel 08035550101',
  '1 chicken and 2 dodo please, phone 08035550103',
];
// Orders every 5 h 13 min over about three days: some fall on a different local day in Lagos and São Paulo.
for (let i = 0; i < 14; i++) {
  tick(5 * 3600_000 + 13 * 60_000);
  for (const [s, shop] of [ng, br].entries()) await receive(rt.store, message(shop, 'sales', texts[(i + s) % texts.length]!, { id: `m-${s}-${i}` }));
}
for (const shop of [ng, br]) {
  await receive(rt.store, message(shop, 'delivery', 'cancel order 1002', { id: `c1-${shop.businessId}` }));
  await receive(rt.store, message(shop, 'delivery', 'cancel order 1007', { id: `c2-${shop.businessId}` }));
  await receive(rt.store, message(shop, 'delivery', '#1003 delivered', { id: `d-${shop.businessId}` }));
}
await waitForCatchUp(rt, [INTAKE_CHECKPOINT]);
await waitForCatchUp(rt, projections.map((p) => p.name));

const num = z.coerce.number();
const FROM = '2025-03-11';
const TO = '2025-03-12';

/** The analyst's figures, from the analytics views only (the business's zone and currency from daily_revenue). */
async function analyst(ids: string[], from: string, to: string) {
  const zones = sql.fragment`(select distinct business_id, currency, timezone from analytics.daily_revenue where business_id = any(${sql.array(ids, 'uuid')}))`;
  const local = (col: string) => sql.fragment`(${sql.identifier([col])} at time zone z.timezone)::date between ${from}::date and ${to}::date`;
  const days = await rt.pool.any(sql.type(z.object({ day: z.string(), orders: num }))`
    select to_char(day, 'YYYY-MM-DD') as day, sum(orders) as orders from analytics.daily_revenue
     where business_id = any(${sql.array(ids, 'uuid')}) and day between ${from}::date and ${to}::date group by day`);
  const money = await rt.pool.any(sql.type(z.object({ currency: z.string(), orders: num, cancelled: num, revenue: num }))`
    select currency, sum(orders) as orders, sum(cancelled) as cancelled, sum(revenue) as revenue from analytics.daily_revenue
     where business_id = any(${sql.array(ids, 'uuid')}) and day between ${from}::date and ${to}::date group by currency order by currency`);
  const dayMoney = await rt.pool.any(sql.type(z.object({ day: z.string(), currency: z.string(), revenue: num }))`
    select to_char(day, 'YYYY-MM-DD') as day, currency, sum(revenue) as revenue from analytics.daily_revenue
     where business_id = any(${sql.array(ids, 'uuid')}) and day between ${from}::date and ${to}::date group by day, currency`);
  const statuses = await rt.pool.any(sql.type(z.object({ status: z.string(), count: num }))`
    select o.status, count(*) as count from analytics.orders o join ${zones} z using (business_id)
     where ${local('created_at')} group by o.status`);
  const products = await rt.pool.any(sql.type(z.object({ currency: z.string(), name: z.string(), quantity: num, revenue: num, orders: num }))`
    select i.currency, min(i.product_name) as name, sum(i.quantity) as quantity, round(coalesce(sum(i.line_total), 0), 2) as revenue,
           count(distinct i.order_id) as orders
      from analytics.order_items i join ${zones} z using (business_id)
     where i.order_status <> 'cancelled' and ${local('order_created_at')}
     group by i.currency, coalesce(i.sku, 'name:' || lower(btrim(i.product_name)))`);
  const hours = await rt.pool.any(sql.type(z.object({ hour: num, orders: num }))`
    select extract(hour from o.created_at at time zone z.timezone)::int as hour, count(*) as orders
      from analytics.orders o join ${zones} z using (business_id) where ${local('created_at')} group by 1`);
  const allTime = await rt.pool.any(sql.type(z.object({ currency: z.string(), orders: num, cancelled: num, revenue: num }))`
    select currency, sum(orders) as orders, sum(cancelled) as cancelled, sum(revenue) as revenue from analytics.daily_revenue
     where business_id = any(${sql.array(ids, 'uuid')}) group by currency order by currency`);
  const aov = (m: { orders: number; cancelled: number; revenue: number }) => (m.orders - m.cancelled > 0 ? Math.round((m.revenue / (m.orders - m.cancelled)) * 100) / 100 : 0);
  return { days, money, dayMoney, statuses, products, hours, allTime, aov };
}

const byKey = <T>(rows: readonly T[], key: (r: T) => string) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

for (const [label, ids] of [['all businesses', [ng.businessId, br.businessId]], ['Lagos', [ng.businessId]], ['São Paulo', [br.businessId]]] as const) {
  t.test(`dashboard equals analytics: ${label}`, async (t) => {
    const scope: Scope = { all: false, businessIds: [...ids] };
    const a = await analytics(rt, scope, { from: FROM, to: TO });
    const x = await analyst([...ids], FROM, TO);
    t.ok(x.statuses.some((s) => s.status === 'cancelled'), 'the range holds a cancelled order');
    t.ok(x.money.every((m) => m.orders > 0), 'the range holds orders of every currency');

    const orders = new Map(x.days.map((d) => [d.day, d.orders]));
    t.same(a.orderTrends.filter((d) => d.orders > 0), byKey([...orders].map(([date, n]) => ({ date, orders: n })).filter((d) => d.orders > 0), (d) => d.date), 'orders per day');
    t.same(a.orderTrends.map((d) => d.date), ['2025-03-11', '2025-03-12'], 'exactly the chosen days');

    t.same(a.currencies, x.money.map((m) => m.currency), 'one figure per currency');
    t.same(
      a.byCurrency,
      x.money.map((m) => ({ currency: m.currency, orders: m.orders, cancelled: m.cancelled, revenue: m.revenue, averageOrderValue: x.aov(m) })),
      'revenue and average order value per currency (cancelled orders excluded)',
    );
    t.equal(a.averageOrderValue, x.money.length === 1 ? x.aov(x.money[0]!) : null, 'no average across currencies');
    for (const d of a.revenueChart) {
      const expected = Object.fromEntries(x.dayMoney.filter((m) => m.day === d.date && m.revenue !== 0).map((m) => [m.currency, m.revenue]));
      t.same(Object.fromEntries(Object.entries(d.byCurrency).filter(([, v]) => v !== 0)), expected, `revenue of ${d.date} per currency`);
      if (x.money.length > 1) t.equal(d.revenue, null, 'no revenue summed across currencies');
    }

    t.same(byKey(a.statusDistribution, (s) => s.status), byKey(x.statuses, (s) => s.status), 'status distribution in range');
    t.same(byKey(a.topProducts, (p) => p.currency + p.name), byKey(x.products, (p) => p.currency + p.name), 'top products in range, per currency');
    const hours = new Map(x.hours.map((h) => [h.hour, h.orders]));
    t.same(a.peakHours, Array.from({ length: 24 }, (_, hour) => ({ hour, orders: hours.get(hour) ?? 0 })), 'peak hours in range');

    const k = await dashboardKpis(rt, scope);
    t.same(
      k.byCurrency.map((c) => ({ currency: c.currency, averageOrderValue: c.averageOrderValue })),
      x.allTime.map((m) => ({ currency: m.currency, averageOrderValue: x.aov(m) })),
      'KPI average order value per currency excludes cancelled orders',
    );
    t.equal(k.averageOrderValue, x.allTime.length === 1 ? x.aov(x.allTime[0]!) : null);
    t.equal(k.currency, x.allTime.length === 1 ? x.allTime[0]!.currency : null);
  });
}

t.test('a range outside the data shows nothing of it', async (t) => {
  const a = await analytics(rt, { all: false, businessIds: [ng.businessId, br.businessId] }, { from: '2025-04-01', to: '2025-04-02' });
  t.same(a.topProducts, []);
  t.equal(a.peakHours.reduce((n, h) => n + h.orders, 0), 0);
  t.same(a.statusDistribution, []);
});

t.test("the default charts end on the merchant's local today, not the server's UTC day", async (t) => {
  // 23:50 UTC on 12 March is already 00:50 on 13 March in Lagos (UTC+1), still 20:50 on the 12th in São Paulo.
  // Lagos took an order at about 00:37 local on the 13th: a merchant opening the dashboard sees it.
  const now = new Date('2025-03-12T23:50:00Z');
  const lagos = await analytics(rt, { all: false, businessIds: [ng.businessId] }, {}, now);
  t.equal(lagos.to, '2025-03-13', 'Lagos: the range ends on the local day');
  t.equal(lagos.from, '2025-02-12', 'thirty local days');
  const x = await analyst([ng.businessId], lagos.from, '2025-03-13');
  const total = (rows: readonly { count: number }[]) => rows.reduce((n, s) => n + s.count, 0);
  t.ok(total(x.statuses) > total(await analyst([ng.businessId], lagos.from, '2025-03-12').then((y) => y.statuses)), 'Lagos has an order on its local 13 March');
  t.equal(total(lagos.statusDistribution), total(x.statuses), "every order of the merchant's thirty days is on the status chart");
  t.equal(lagos.orderTrends.at(-1)?.date, '2025-03-13', 'the trend line reaches the local today');

  const saoPaulo = await analytics(rt, { all: false, businessIds: [br.businessId] }, {}, now);
  t.equal(saoPaulo.to, '2025-03-12', 'São Paulo: still the 12th');
  const both = await analytics(rt, { all: false, businessIds: [ng.businessId, br.businessId] }, {}, now);
  t.equal(both.to, '2025-03-13', 'over several zones the range reaches the latest local day');
});
