// The notifier through a database outage (issue 17 §1): while every connection it opens is cut
// (what PostgreSQL restarting looks like to a client) it keeps retrying, and once the database is
// reachable again every order gets its confirmation, exactly once. It used to give up on an event
// after five tries (about two seconds) and lose that reply for good.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';
import { createTestRuntime } from '../helpers/runtime.ts';
import { startNotifier } from '../../src/reactors/notifier.ts';
import { createShop, ev } from '../pipeline/fixtures.ts';

const rt = await createTestRuntime();
const killer = new pg.Client({ connectionString: rt.db.url });
await killer.connect();
t.teardown(async () => {
  await killer.end().catch(() => undefined);
  await rt.close();
});

t.test('connections cut for 6 s while 200 orders wait for their confirmation: none lost, none twice', async (t) => {
  const shop = await createShop(rt.store);
  const orderIds: string[] = [];
  for (let i = 0; i < 200; i++) {
    const orderId = randomUUID();
    orderIds.push(orderId);
    await rt.store.append(`order-${orderId}`, [
      ev('OrderPlaced', {
        orderId, businessId: shop.businessId, groupId: shop.sales.groupId, number: 1001 + i,
        customer: { name: `Customer ${i}`, phone: '+2348035550101', address: '1 Admiralty Way' },
        items: [{ name: 'Jollof Rice', sku: 'JR', quantity: 1, unitPrice: 2500 }], totalAmount: 2500, currency: 'NGN', deliveryNotes: null,
        source: { messageId: `m-${orderId}`, text: '1 jollof', sender: { name: `Customer ${i}`, phone: '+2348035550101' }, receivedAt: new Date().toISOString() },
        parserVersion: null, missing: [], placedAt: new Date().toISOString(),
      }, shop.businessId),
    ]);
  }
  const stop = await startNotifier(rt);
  // The outage begins once the notifier is at work on its backlog: every other backend of this
  // database is terminated, again and again, for 6 s.
  for (;;) {
    const { rows } = await killer.query('select count(*)::int as n from whatsapp_outbox');
    if ((rows[0] as { n: number }).n > 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const until = Date.now() + 6000;
  while (Date.now() < until) {
    await killer.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    await new Promise((r) => setTimeout(r, 20));
  }
  const confirmations = async () =>
    rt.pool.any(sql.type(z.object({ order_id: z.string(), n: z.coerce.number() }))`
      select order_id, count(*) as n from whatsapp_outbox where kind = 'confirmation' and business_id = ${shop.businessId} group by order_id`);
  let rows: Awaited<ReturnType<typeof confirmations>> = [];
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    rows = await confirmations().catch(() => rows);
    if (rows.length === orderIds.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  t.equal(rows.length, orderIds.length, 'every order got its confirmation');
  t.ok(rows.every((r) => r.n === 1), 'each exactly once');
});
