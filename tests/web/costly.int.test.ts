// Requests that cost without bound (issue 17 §4): analytics ranges, list limits and statement
// timeouts, on real PostgreSQL through the app.
import t from 'tap';
import pg from 'pg';
import { api, placeOrder, register, webEnv } from './harness.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;
const m = await register(app, 'costly');
const businessId = (await api(app, m, 'POST', '/business', { name: 'Costly Foods', country: 'NG' })).json().business.id as string;
const groupId = (await api(app, m, 'POST', '/groups', { name: 'Sales', groupType: 'sales', businessId })).json().group.id as string;
await placeOrder(rt, { businessId, groupId });

t.test('analytics: a thousand years, a reversed range or a bad date is a 400 naming the field', async (t) => {
  const started = Date.now();
  const huge = await api(app, m, 'GET', `/api/dashboard/analytics?from=1026-01-01&to=2026-01-01`);
  t.equal(huge.statusCode, 400, 'a thousand years is refused');
  t.match(huge.json(), { error: true, code: 'VALIDATION_ERROR', message: /from.*366 days/ });
  t.ok(Date.now() - started < 2000, 'and refused at once, without generating rows');

  const reversed = await api(app, m, 'GET', `/api/dashboard/analytics?from=2026-03-01&to=2026-02-01`);
  t.equal(reversed.statusCode, 400);
  t.match(reversed.json(), { message: /from.*on or before.*to/ });

  const onlyFrom = await api(app, m, 'GET', `/api/dashboard/analytics?from=1900-01-01`);
  t.equal(onlyFrom.statusCode, 400, 'a from far before today (to defaults to today) is refused too');

  const year = await api(app, m, 'GET', `/api/dashboard/analytics?from=2025-01-01&to=2026-01-01`);
  t.equal(year.statusCode, 200, '366 days (inclusive) are fine');
  t.equal(year.json().orderTrends.length, 366);
  const day = await api(app, m, 'GET', `/api/dashboard/analytics?businessId=${businessId}&from=2026-01-01&to=2026-01-01`);
  t.equal(day.statusCode, 200);
  t.equal(day.json().orderTrends.length, 1);
});

t.test('lists: a limit above the maximum is a 400 naming limit', async (t) => {
  const big = await api(app, m, 'GET', '/orders?limit=100000');
  t.equal(big.statusCode, 400);
  t.match(big.json(), { code: 'VALIDATION_ERROR', message: /limit/ });
  t.equal((await api(app, m, 'GET', '/orders?limit=200')).statusCode, 200, 'the maximum itself is fine');
  t.equal((await api(app, m, 'GET', '/orders?page=1000000')).statusCode, 400, 'page is bounded too');
});

t.test('a query that runs past the statement timeout answers 503 promptly instead of hanging', async (t) => {
  const before = rt.config.webStatementTimeoutMs;
  rt.config.webStatementTimeoutMs = 400;
  t.teardown(() => {
    rt.config.webStatementTimeoutMs = before;
  });
  // Another session holds the orders table: every read of it waits (as behind a slow query).
  const blocker = new pg.Client({ connectionString: rt.db.url });
  await blocker.connect();
  t.teardown(() => blocker.end());
  await blocker.query('begin');
  await blocker.query('lock table orders in access exclusive mode');
  try {
    for (const url of ['/orders', '/api/dashboard/analytics', '/dashboard']) {
      const started = Date.now();
      const res = await Promise.race([
        api(app, m, 'GET', url),
        new Promise<null>((r) => setTimeout(() => r(null), 5000)),
      ]);
      const took = Date.now() - started;
      t.ok(res, `${url} answered within 5 s`);
      if (!res) continue;
      t.equal(res.statusCode, 503, `${url}: 503`);
      t.match(res.json(), { error: true, code: 'QUERY_TIMEOUT', message: /took too long/ });
      t.ok(took < 3000, `${url} answered in ${took} ms`);
    }
  } finally {
    await blocker.query('rollback');
  }
  t.equal((await api(app, m, 'GET', '/orders')).statusCode, 200, 'once the table is free, the list answers again');
});
