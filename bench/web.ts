// `npm run bench -- web`: GET /orders and GET /dashboard (JSON, signed in) for a merchant with
// 100k orders, against a trivial route on the same server in the same run. Setup writes the
// read-model rows directly with set-based SQL (what the projector would have written), because
// projecting 100k orders through the pipeline is the pipeline bench's job, not this one's.
import { createRequire } from 'node:module';
import { sql } from 'slonik';
import { createTestRuntime } from '../tests/helpers/runtime.ts';
import { buildApp } from '../web/app.ts';
import type { BenchResult } from './run.ts';

interface CannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
}
// autocannon ships no types; this is the slice of its API the bench uses.
const autocannon = createRequire(import.meta.url)('autocannon') as (o: { url: string; connections: number; duration: number; headers: Record<string, string> }) => Promise<CannonResult>;

const ORDERS = 100_000;
const DURATION_S = 10;
const CONNECTIONS = 10;

export async function benchWeb(): Promise<BenchResult> {
  const rt = await createTestRuntime({ poolSize: 20 });
  const app = await buildApp(rt);
  app.get('/bench/ping', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    const reg = await app.inject({ method: 'POST', url: '/auth/register', headers: { accept: 'application/json' }, payload: { username: 'bench', email: 'bench@example.com', password: 'bench password 1' } });
    const userId: string = reg.json().user.id;
    const session = reg.cookies.find((c) => c.name === 'novi_session');
    if (!session) throw new Error(`register failed: ${reg.body}`);
    const cookie = `novi_session=${session.value}`;
    const businessId = '6d1f5c1e-0000-4000-8000-000000000001';
    const t0 = Date.now();
    await rt.pool.query(sql.unsafe`
      insert into businesses (id, owner_id, name, country, currency, timezone, created_at, updated_at)
      values (${businessId}, ${userId}, 'Bench Foods', 'NG', 'NGN', 'Africa/Lagos', now(), now())`);
    await rt.pool.query(sql.unsafe`
      insert into orders (id, business_id, number, group_id, status, customer_name, customer_phone, customer_address, items,
                          total_amount, currency, source, search_text, created_at, updated_at, revision)
      select gen_random_uuid(), ${businessId}, 1000 + i, null,
             (array['pending','confirmed','processing','out_for_delivery','delivered','cancelled'])[1 + i % 6],
             'Customer ' || (i % 5000), '+23480' || lpad((i % 5000)::text, 8, '0'), 'Street ' || i,
             jsonb_build_array(jsonb_build_object('name', 'Jollof Rice', 'sku', 'JR', 'quantity', 1 + i % 3, 'unitPrice', 2500)),
             2500 * (1 + i % 3), 'NGN',
             jsonb_build_object('messageId', 'm' || i, 'text', 'order ' || i, 'sender', jsonb_build_object('name', 'C', 'phone', null)),
             'customer ' || (i % 5000) || ' jollof rice', now() - (i || ' minutes')::interval, now(), 0
        from generate_series(1, ${ORDERS}) as i`);
    await rt.pool.query(sql.unsafe`
      insert into daily_sales (business_id, day, orders, revenue)
      select ${businessId}, (created_at at time zone 'Africa/Lagos')::date, count(*), sum(total_amount) from orders group by 2`);
    await rt.pool.query(sql.unsafe`
      insert into hourly_orders (business_id, hour, orders)
      select ${businessId}, extract(hour from created_at at time zone 'Africa/Lagos')::int, count(*) from orders group by 2`);
    await rt.pool.query(sql.unsafe`
      insert into product_sales (business_id, product_key, name, quantity, revenue, orders)
      values (${businessId}, 'JR', 'Jollof Rice', 200000, 500000000, ${ORDERS})`);
    await rt.pool.query(sql.unsafe`
      insert into customers (business_id, customer_key, name, first_order_at, last_order_at, order_count, total_spent)
      select ${businessId}, customer_name, customer_name, min(created_at), max(created_at), count(*), sum(total_amount) from orders group by customer_name`);
    // What the orders projection keeps beside the rows (sql/023): orders per business and status.
    await rt.pool.query(sql.unsafe`
      insert into order_counts (business_id, status, n) select business_id, status, count(*) from orders group by 1, 2`);
    await rt.pool.query(sql.unsafe`
      insert into order_day_status (business_id, day, status, n)
      select business_id, (created_at at time zone 'Africa/Lagos')::date, status, count(*) from orders group by 1, 2, 3`);
    await rt.pool.query(sql.unsafe`
      insert into order_day_hours (business_id, day, hour, n)
      select business_id, (created_at at time zone 'Africa/Lagos')::date, extract(hour from created_at at time zone 'Africa/Lagos')::int, count(*)
        from orders group by 1, 2, 3`);
    await rt.pool.query(sql.unsafe`analyze`);
    const setupS = (Date.now() - t0) / 1000;

    const run = async (path: string) => {
      const r = await autocannon({ url: base + path, connections: CONNECTIONS, duration: DURATION_S, headers: { accept: 'application/json', cookie } });
      if (r.non2xx > 0) throw new Error(`${path}: ${r.non2xx} non-2xx answers`);
      return { rps: r.requests.average, p99: r.latency.p99 };
    };
    const ping = await run('/bench/ping');
    const orders = await run('/orders?page=1&limit=25');
    const ordersFiltered = await run('/orders?status=pending&q=customer%2012&page=2&limit=25');
    const dashboard = await run('/dashboard');
    const ratio = (x: number) => Math.round((x / ping.rps) * 1000) / 1000;
    const lines = [
      `${ORDERS} orders for one merchant (read-model rows inserted set-based in ${setupS.toFixed(1)} s); ${CONNECTIONS} connections × ${DURATION_S} s each, JSON, signed-in cookie`,
      `trivial route      : ${ping.rps.toFixed(0)} req/s, p99 ${ping.p99} ms`,
      `GET /orders        : ${orders.rps.toFixed(0)} req/s, p99 ${orders.p99} ms (${ratio(orders.rps)} × trivial)`,
      `GET /orders filter : ${ordersFiltered.rps.toFixed(0)} req/s, p99 ${ordersFiltered.p99} ms (${ratio(ordersFiltered.rps)} × trivial)`,
      `GET /dashboard     : ${dashboard.rps.toFixed(0)} req/s, p99 ${dashboard.p99} ms (${ratio(dashboard.rps)} × trivial)`,
    ];
    return {
      lines,
      figures: {
        trivial_rps: ping.rps,
        trivial_p99_ms: ping.p99,
        orders_rps: orders.rps,
        orders_p99_ms: orders.p99,
        orders_filtered_rps: ordersFiltered.rps,
        orders_filtered_p99_ms: ordersFiltered.p99,
        dashboard_rps: dashboard.rps,
        dashboard_p99_ms: dashboard.p99,
        orders_ratio: ratio(orders.rps),
        dashboard_ratio: ratio(dashboard.rps),
      },
    };
  } finally {
    await app.close();
    await rt.close();
  }
}
