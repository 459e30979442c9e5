// An export whose client goes away stops at once and gives its database connection back; one
// export at a time per user (issue 17 §4). A real listening server and real sockets.
import t from 'tap';
import http from 'node:http';
import { sql } from 'slonik';
import { z } from 'zod';
import { api, register, webEnv } from './harness.ts';

const env = await webEnv();
t.teardown(env.close);
const { app, rt } = env;
const m = await register(app, 'exporter');
const other = await register(app, 'bystander');
const businessId = (await api(app, m, 'POST', '/business', { name: 'Big Exports', country: 'NG' })).json().business.id as string;

// A large data set: 30 000 orders with long delivery notes (~15 MB of CSV). Written straight into
// the read model: the export reads only that table, and going through 30 000 commands would take
// minutes on this machine.
await rt.pool.query(sql.unsafe`
  insert into orders (id, business_id, number, status, customer_name, customer_phone, customer_address, items, total_amount, currency,
                      delivery_notes, search_text, created_at, updated_at)
  select gen_random_uuid(), ${businessId}, 1000 + i, 'pending', 'Customer ' || i, '+23480' || lpad(i::text, 8, '0'), i || ' Allen Avenue, Ikeja',
         '[{"name":"Jollof Rice","sku":"JR","quantity":2,"unitPrice":2500}]'::jsonb, 5000, 'NGN', repeat('leave it at the gate. ', 20), 'customer ' || i,
         now() - (i || ' seconds')::interval, now()
    from generate_series(1, 30000) as g(i)`);

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

/** Starts a CSV export and destroys the socket as soon as the first bytes arrive. */
function abandonExport(cookie: string, format: 'csv' | 'xlsx' = 'csv'): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ format, filters: { businessId } });
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/orders/export', headers: { cookie, 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve(res.statusCode === 200 ? chunk.length : -(res.statusCode ?? 0));
        });
        res.once('error', () => undefined);
      },
    );
    req.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    req.end(body);
  });
}

/** Backends of this database still running or holding the export's query. */
const busyExports = () =>
  rt.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
    select count(*) as n from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' and query like '%from orders where%order by created_at%'`);

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

t.test('an abandoned export stops reading and releases its connection at once', async (t) => {
  const got = await abandonExport(m.cookie);
  t.ok(got > 0, `the export had started (${got} bytes)`);
  const released = await until(async () => rt.pool.state().acquiredConnections === 0 && (await busyExports()) === 0, 1000);
  t.ok(released, `connection back in the pool within 1 s (${JSON.stringify(rt.pool.state())}, busy ${await busyExports()})`);

  const xlsx = await abandonExport(m.cookie, 'xlsx');
  t.ok(xlsx > 0, `an xlsx export had started (${xlsx} bytes)`);
  t.ok(await until(async () => rt.pool.state().acquiredConnections === 0 && (await busyExports()) === 0, 1000), 'and an abandoned xlsx export lets go too');
  t.ok(
    await until(async () => (await api(app, m, 'POST', '/orders/export', { format: 'csv', dateRange: { from: '2000-01-01', to: '2000-01-02' } })).statusCode === 200, 1000),
    'its slot is free again',
  );
});

t.test('twelve abandoned exports do not stall the app', async (t) => {
  for (let i = 0; i < 12; i++) {
    t.ok((await abandonExport(m.cookie)) > 0, `export ${i + 1} started`);
  }
  const started = Date.now();
  const list = await Promise.race([api(app, other, 'GET', '/orders'), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
  t.ok(list, 'another user is answered within 3 s');
  t.equal(list?.statusCode, 200);
  t.ok(Date.now() - started < 2000, `and promptly (${Date.now() - started} ms)`);
  t.ok(await until(async () => rt.pool.state().acquiredConnections === 0, 1000), 'no connection held by the abandoned exports');
});

t.test('one export at a time per user; a finished export frees the slot', async (t) => {
  // A slow reader: starts an export and reads nothing more, keeping it running.
  const body = JSON.stringify({ format: 'csv', filters: { businessId } });
  const slow = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/orders/export', headers: { cookie: m.cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  slow.on('error', () => undefined);
  const first = await new Promise<http.IncomingMessage>((resolve) => {
    slow.on('response', resolve);
    slow.end(body);
  });
  first.pause();
  t.equal(first.statusCode, 200, 'the first export runs');
  const second = await api(app, m, 'POST', '/orders/export', { format: 'csv', filters: { businessId } });
  t.equal(second.statusCode, 409, 'a second concurrent export of the same user is refused');
  t.match(second.json(), { error: true, code: 'EXPORT_IN_PROGRESS', message: /already running/ });
  const theirs = await api(app, other, 'POST', '/orders/export', { format: 'csv' });
  t.equal(theirs.statusCode, 200, 'another user may export meanwhile');
  slow.destroy();
  t.ok(
    await until(async () => (await api(app, m, 'POST', '/orders/export', { format: 'csv', dateRange: { from: '2000-01-01', to: '2000-01-02' } })).statusCode === 200, 1000),
    'once the first is gone, the user may export again',
  );
});

t.test('a complete export still has every row', async (t) => {
  const started = Date.now();
  // 'customer 29' matches customers 29, 290-299, 2900-2999 and 29000-29999: 1111 orders, six pages.
  const res = await api(app, m, 'POST', '/orders/export', { format: 'csv', filters: { businessId, q: 'customer 29' } });
  t.equal(res.statusCode, 200);
  t.comment(`csv of 1111 orders in ${Date.now() - started} ms`);
  const lines = res.body.trim().split('\n');
  t.equal(lines.length, 1112, 'header + 1111 orders, none lost or repeated across pages');
  t.equal(new Set(lines).size, 1112);
  t.match(lines[1], /^30999,/, 'oldest first');
  t.match(lines.at(-1), /^1029,/, 'newest last');
  const xlsx = await api(app, m, 'POST', '/orders/export', { format: 'xlsx', filters: { businessId }, dateRange: { from: '2000-01-01', to: '2000-01-02' } });
  t.equal(xlsx.statusCode, 200);
  t.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK', 'xlsx too (its abort path is the same pipeline)');
});
